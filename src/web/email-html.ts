// Customer email HTML as the case page shows it: sanitised here, then served on its own URL into a sandboxed
// iframe (no scripts, unique origin) under a CSP that allows inline styles and data: images only — remote images
// (tracking pixels) load only after the agent asks, and even then nothing else does.
import sanitizeHtml from 'sanitize-html';

const allowedTags = [
  ...sanitizeHtml.defaults.allowedTags.filter((t) => t !== 'a'), 'a', 'img', 'font', 'center', 'span', 'div', 'table', 'thead', 'tbody', 'tfoot',
  'tr', 'td', 'th', 'caption', 'colgroup', 'col', 'hr', 'br', 'u', 's', 'small', 'big', 'sub', 'sup',
];

export function sanitizeEmailHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: [...new Set(allowedTags)],
    // No event handlers or scripts survive; style stays (the frame's CSP decides what CSS may fetch: nothing remote).
    allowedAttributes: {
      '*': ['style', 'align', 'valign', 'width', 'height', 'bgcolor', 'color', 'dir', 'lang', 'title'],
      a: ['href', 'name', 'target', 'rel'],
      img: ['src', 'alt', 'width', 'height'],
      font: ['face', 'size', 'color'],
      td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan', 'scope'],
      table: ['border', 'cellpadding', 'cellspacing'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['http', 'https', 'data', 'cid'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    // Links open outside the frame (the sandbox allows popups only), never inside the app.
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' } }),
      img: (tagName, attribs) => {
        // data: images of SVG could carry script; browsers do not run it inside <img>, but keep only raster types anyway.
        if (/^\s*data:/i.test(attribs.src ?? '') && !/^\s*data:image\/(png|gif|jpe?g|webp);/i.test(attribs.src ?? '')) {
          const { src: _src, ...rest } = attribs;
          return { tagName, attribs: rest };
        }
        return { tagName, attribs };
      },
    },
  });
}

/** Whether the sanitised HTML refers to images on other hosts (then the page offers "show remote images"). */
export function hasRemoteImages(html: string): boolean {
  return /<img[^>]+src="https?:/i.test(html) || /url\(\s*['"]?https?:/i.test(html);
}

/** The frame document's own CSP: inline CSS, data: images; remote images only when asked. */
export function frameCsp(remoteImages: boolean): string {
  const img = remoteImages ? "img-src data: https: http:" : 'img-src data:';
  return `default-src 'none'; style-src 'unsafe-inline'; ${img}; frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox allow-popups allow-popups-to-escape-sandbox`;
}

export function frameDocument(sanitised: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="color-scheme" content="light"><base target="_blank">`
    + `<style>body{margin:0;padding:12px;font:15px/1.5 system-ui,sans-serif;color:#1b1f24;background:#fff;overflow-wrap:anywhere}img{max-width:100%;height:auto}table{max-width:100%}</style>`
    + `</head><body>${sanitised}</body></html>`;
}
