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

  // Live inbox: the server sends "changed" over server-sent events when cases move; the table is fetched again.
  // Also refreshed every minute so the time left stays true.
  const live = document.querySelector('[data-live]');
  const liveStatus = document.getElementById('live-status');
  if (live && 'EventSource' in window) {
    const isCase = live.dataset.live === 'case';
    const params = new URLSearchParams(isCase ? { case: live.dataset.case, since: live.dataset.mark } : { since: live.dataset.marks });
    let refreshing;
    const refresh = async () => {
      if (refreshing) return;
      refreshing = fetch(live.dataset.fragment, { headers: { 'x-requested-with': 'fetch' } })
        .then(async (r) => {
          if (r.status === 401) {
            if (liveStatus) liveStatus.textContent = 'Your session has ended: reload the page to sign in again.';
            source.close();
            return;
          }
          if (!r.ok) return;
          const html = await r.text();
          const before = live.querySelector('#inbox-table')?.dataset.count;
          // Keep the keyboard focus on the same case link across the refresh.
          const focused = document.activeElement?.closest?.('tr[data-case]')?.dataset.case;
          // ...and the ticked boxes of the bulk bar.
          const ticked = new Set([...live.querySelectorAll('input[name="ids"]:checked')].map((b) => b.value));
          live.innerHTML = html;
          for (const box of live.querySelectorAll('input[name="ids"]')) box.checked = ticked.has(box.value);
          document.dispatchEvent(new Event('selection-restored'));
          if (focused) live.querySelector(`tr[data-case="${CSS.escape(focused)}"] a`)?.focus();
          const after = live.querySelector('#inbox-table')?.dataset.count;
          if (liveStatus && before !== after) liveStatus.textContent = `Inbox updated: ${after} case${after === '1' ? '' : 's'}.`;
        })
        .catch(() => undefined)
        .finally(() => { refreshing = undefined; });
    };
    const source = new EventSource(`/app/events?${params}`);
    source.addEventListener('changed', () => { if (!isCase) refresh(); });
    source.addEventListener('case', () => {
      const banner = document.getElementById('case-changed');
      if (banner) banner.hidden = false;
    });
    source.addEventListener('viewers', (e) => {
      const el = document.getElementById('viewers');
      const names = JSON.parse(e.data).names;
      if (el) el.textContent = names.length ? names.join(', ') : 'nobody else';
    });
    source.addEventListener('hello', () => live.setAttribute('data-connected', 'true'));
    if (!isCase) setInterval(refresh, 60_000);
  }

  // Inbox bulk bar: the count of ticked cases is announced (role=status); "select all" ticks every case on the page.
  const bulkCount = document.getElementById('bulk-count');
  if (bulkCount) {
    const boxes = () => [...document.querySelectorAll('input[name="ids"][form="bulk-form"]')];
    const update = () => {
      const all = boxes();
      const n = all.filter((b) => b.checked).length;
      bulkCount.textContent = n === 0 ? 'No cases selected.' : `${n} case${n === 1 ? '' : 's'} selected.`;
      const toggle = document.querySelector('[data-select-all]');
      if (toggle) {
        toggle.checked = n > 0 && n === all.length;
        toggle.indeterminate = n > 0 && n < all.length;
      }
    };
    document.addEventListener('change', (event) => {
      const target = event.target;
      if (!(target instanceof HTMLInputElement)) return;
      if (target.matches('[data-select-all]')) for (const box of boxes()) box.checked = target.checked;
      if (target.matches('[data-select-all], input[name="ids"]')) update();
    });
    document.addEventListener('selection-restored', update);
    update();
  }

  // "Show remote images": reload that message's frame with remote images allowed, without leaving the page.
  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('[data-remote-images]') : null;
    if (!link) return;
    const frame = document.querySelector(`iframe[data-frame="${CSS.escape(link.dataset.remoteImages)}"]`);
    if (!(frame instanceof HTMLIFrameElement)) return;
    event.preventDefault();
    frame.src = `/app/messages/${encodeURIComponent(link.dataset.remoteImages)}/html?images=1`;
    const note = link.closest('p');
    if (note) note.textContent = 'Remote images are shown for this message.';
  });

  // Dashboard charts: the data is embedded as JSON (no inline script); chart.js draws it.
  const chartData = document.getElementById('chart-data');
  if (chartData && window.Chart) {
    const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
    const text = dark ? '#e6e8eb' : '#1b1f24';
    const grid = dark ? '#3a404a' : '#d0d7de';
    // Colour-blind-safe palette (Okabe–Ito), distinct in both schemes.
    const palette = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#999999'];
    const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    for (const chart of JSON.parse(chartData.textContent)) {
      const canvas = document.getElementById(`chart-${chart.id}`);
      if (!(canvas instanceof HTMLCanvasElement)) continue;
      new window.Chart(canvas, {
        type: chart.type,
        data: {
          labels: chart.labels,
          datasets: chart.series.map((s, i) => ({
            label: s.label, data: s.data, borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length],
            spanGaps: true, tension: 0.2, pointRadius: 3,
          })),
        },
        options: {
          responsive: true, maintainAspectRatio: false, animation: reduced ? false : undefined,
          plugins: { legend: { labels: { color: text } } },
          scales: {
            x: { stacked: !!chart.stacked, ticks: { color: text }, grid: { color: grid } },
            y: { stacked: !!chart.stacked, beginAtZero: true, ticks: { color: text }, grid: { color: grid }, title: { display: true, text: chart.unit, color: text } },
          },
        },
      });
    }
  }
})();
