import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.js';

describe('renderMarkdown', () => {
  it.each([
    ['headings and emphasis', '# Title\n\nSome **bold** text', ['<h1>Title</h1>', '<strong>bold</strong>']],
    ['links get rel', '[help](https://example.com/help)', ['href="https://example.com/help"', 'rel="noopener noreferrer nofollow"']],
    ['tables', '| a | b |\n|---|---|\n| 1 | 2 |', ['<table>', '<td>1</td>']],
    ['code blocks keep their language class', '```js\nlet x\n```', ['<code class="language-js">']],
  ])('%s', (_name, markdown, expected) => {
    const html = renderMarkdown(markdown);
    for (const part of expected) expect(html).toContain(part);
  });

  it.each([
    ['script tags', '<script>alert(1)</script>hello', /<script/i],
    ['event handlers', '<img src="https://x.test/a.png" onerror="alert(1)">', /onerror/i],
    ['javascript: links', '[x](javascript:alert(1))', /javascript:/i],
    ['data: images', '![x](data:image/svg+xml;base64,PHN2Zz4=)', /data:/i],
    ['iframes', '<iframe src="https://evil.test"></iframe>', /<iframe/i],
    ['style attributes', '<p style="position:fixed">x</p>', /style=/i],
    ['forms', '<form action="https://evil.test"><button>Go</button></form>', /<form|<button/i],
  ])('strips %s', (_name, markdown, forbidden) => {
    expect(renderMarkdown(markdown)).not.toMatch(forbidden);
  });
});
