import { describe, expect, it } from 'vitest';
import { SUPPORTED_LANGUAGES } from '../domain/language.js';
import { loadSlaTemplates, parseSlaTemplate, renderSlaUpdate } from './templates.js';

const input = {
  reference: 'FR-7K3Q9X', customerName: 'Lucía García', subject: 'Re: AW: Where is my order? [FR-7K3Q9X]',
  expectedReplyAt: new Date('2026-11-23T14:00:00Z'), timeZone: 'Europe/Berlin',
};

describe('SLA update templates', () => {
  it.each(SUPPORTED_LANGUAGES)('%s renders every placeholder', async (language) => {
    const rendered = renderSlaUpdate({ ...input, language }, await loadSlaTemplates());
    expect(rendered.language).toBe(language);
    expect(rendered.subject).toBe('Re: Where is my order? [FR-7K3Q9X]');
    expect(rendered.text).toContain('FR-7K3Q9X');
    expect(rendered.text).toContain('Lucía García');
    expect(rendered.text).toContain('2026');
    expect(rendered.text).not.toContain('{{');
    expect(rendered.text.length).toBeLessThan(700); // short
  });

  it('falls back to English and to the neutral greeting', async () => {
    const rendered = renderSlaUpdate({ ...input, language: 'ja', customerName: 'lucia@example.test', subject: '' }, await loadSlaTemplates());
    expect(rendered.language).toBe('en');
    expect(rendered.subject).toBe('Re: (no subject) [FR-7K3Q9X]');
    expect(rendered.text.startsWith('Hello,\n')).toBe(true);
    expect(rendered.text).toContain('Monday, 23 November 2026');
  });

  it('rejects a template without the new expected time', () => {
    expect(() => parseSlaTemplate('subject: Re: {{subject}} [{{reference}}]\n\n{{#customerName}}{{customerName}}{{/customerName}}{{^customerName}}x{{/customerName}} {{reference}}', 'x.md'))
      .toThrow(/\{\{expectedReply\}\}/);
  });
});
