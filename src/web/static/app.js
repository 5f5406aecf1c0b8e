// Progressive enhancement for firstreply's pages. Everything works without this file; with it, forms confirm
// destructive actions, the article editor previews as you type, and tokens copy with one click.
// Loaded with `defer` from 'self' only (CSP: no inline scripts).
(() => {
  'use strict';
  const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content');

  // After a failed submit or an import, move focus to the summary so screen readers announce it.
  document.querySelector('[data-focus-on-load]')?.focus();

  document.addEventListener('submit', (event) => {
    const form = event.target;
    const message = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
    if (message && !window.confirm(message)) event.preventDefault();
  });

  document.addEventListener('click', async (event) => {
    const button = event.target instanceof Element ? event.target.closest('[data-copy]') : null;
    if (!button) return;
    const input = document.getElementById(button.getAttribute('data-copy'));
    if (!(input instanceof HTMLInputElement)) return;
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
      button.textContent = 'Copied';
    } catch {
      button.textContent = 'Selected: press Ctrl+C';
    }
  });

  const source = document.querySelector('[data-preview-source]');
  const target = document.querySelector('[data-preview-target]');
  if (source instanceof HTMLTextAreaElement && target && csrf) {
    let timer;
    let inFlight;
    const update = async () => {
      inFlight?.abort();
      inFlight = new AbortController();
      try {
        const response = await fetch('/app/kb/preview', {
          method: 'POST',
          headers: { 'x-csrf-token': csrf, 'x-requested-with': 'fetch', 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ body: source.value }),
          signal: inFlight.signal,
        });
        if (response.status === 401) {
          target.textContent = 'Your session has ended. Copy your text, then sign in again in another tab.';
          return;
        }
        // The server sanitises the HTML (the same code renders the article page).
        if (response.ok) target.innerHTML = await response.text();
      } catch (err) {
        if (err?.name !== 'AbortError') target.textContent = 'Preview unavailable right now.';
      }
    };
    source.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(update, 400);
    });
  }
})();
