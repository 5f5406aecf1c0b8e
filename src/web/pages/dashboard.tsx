import { mayUse } from '../access.js';
import type { ChartData } from '../dashboard-data.js';
import type { VolumeTotals } from '../../insight/reports/volumes.js';
import { outcomeShares } from '../dashboard-shares.js';
import { Field, Select, TableWrap } from '../components.js';
import type { Viewer } from '../env.js';
import { Layout } from '../layout.js';
import type { ResponseBucket } from '../../insight/reports/response-times.js';
import type { SlaAttainmentRow } from '../../insight/reports/sla-attainment.js';

export interface DashboardFilters { from: string; to: string; bucket: string; mailbox: string; tz: string }

const fmt = (x: number | null, unit = '') => (x === null ? '—' : `${Math.round(x * 10) / 10}${unit}`);

/** The chart data for app.js, as JSON in a non-executable script element (the CSP allows no inline script). */
function ChartJson({ charts }: { charts: ChartData[] }) {
  const json = JSON.stringify(charts).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
  return <script type="application/json" id="chart-data" dangerouslySetInnerHTML={{ __html: json }}></script>;
}

export function DashboardPage(p: {
  viewer: Viewer; articles: Record<string, number>; filters: DashboardFilters; query: string; mailboxes: { id: number; label: string }[];
  charts: ChartData[]; total: ResponseBucket; volumeTotal: VolumeTotals;
  sla: SlaAttainmentRow[]; error?: string;
}) {
  const f = p.filters;
  const v = p.volumeTotal;
  return (
    <Layout title="Dashboard" viewer={p.viewer} area="dashboard" scripts={['chart.js']}>
      <h1>Dashboard</h1>
      <form method="get" action="/app/dashboard" class="filters" aria-label="Report period">
        <Field name="from" label="From" type="date" value={f.from} required />
        <Field name="to" label="To (inclusive)" type="date" value={f.to} required />
        <Select name="bucket" label="Per" value={f.bucket} options={[{ value: 'day', label: 'Day' }, { value: 'week', label: 'Week' }, { value: 'month', label: 'Month' }]} />
        <Select name="mailbox" label="Mailbox" value={f.mailbox} options={[{ value: '', label: 'All mailboxes' }, ...p.mailboxes.map((m) => ({ value: String(m.id), label: m.label }))]} />
        <Field name="tz" label="Time zone" value={f.tz} required />
        <button type="submit">Show</button>
      </form>
      {p.error && <p class="error-summary" role="alert">{p.error}</p>}

      <section aria-labelledby="totals-h">
        <h2 id="totals-h">In this period</h2>
        <ul class="stats">
          <li><div class="tile"><span class="stat-number">{v.cases}</span> <span class="stat-label">cases ({v.messages} emails)</span></div></li>
          <li><div class="tile"><span class="stat-number">{fmt(p.total.ackMedianSeconds, ' s')}</span> <span class="stat-label">median acknowledgement</span></div></li>
          <li><div class="tile"><span class="stat-number">{fmt(p.total.firstHumanMedianMinutes, ' min')}</span> <span class="stat-label">median first human reply</span></div></li>
          <li><div class="tile"><span class="stat-number">{fmt(p.total.resolutionMedianHours, ' h')}</span> <span class="stat-label">median resolution</span></div></li>
          <li><div class="tile"><span class="stat-number">{p.total.slaAttainment === null ? '—' : `${Math.round(p.total.slaAttainment * 100)}%`}</span> <span class="stat-label">SLA met</span></div></li>
          {outcomeShares(v).map((s) => (
            <li><div class="tile" data-share={s.key}>
              <span class="stat-number">{s.percent === null ? '—' : `${s.percent}%`}</span> <span class="stat-label">{s.label}</span>
              <span class="stat-of">{s.count} of {s.of} {s.ofLabel}</span>
            </div></li>
          ))}
        </ul>
      </section>

      <div class="charts">
        {p.charts.map((c) => (
          <figure class="chart card" aria-labelledby={`chart-${c.id}-h`}>
            <div class="page-head">
              <h2 id={`chart-${c.id}-h`}>{c.title}</h2>
              <a href={`/app/dashboard/${c.id}.csv${p.query}`} download>CSV<span class="visually-hidden"> of {c.title}</span></a>
            </div>
            <figcaption class="small muted">{c.description}</figcaption>
            <div class="chart-box"><canvas id={`chart-${c.id}`} data-chart={c.id} role="img" aria-label={`${c.title}: chart; the table below has the same numbers`}></canvas></div>
            <details>
              <summary>Table</summary>
              <TableWrap label={c.title}>
                <table class="list">
                  <thead><tr><th scope="col">Period</th>{c.series.map((s) => <th scope="col">{s.label}</th>)}</tr></thead>
                  <tbody>{c.labels.map((l, i) => <tr><th scope="row">{l}</th>{c.series.map((s) => <td>{s.data[i] ?? '—'}</td>)}</tr>)}</tbody>
                </table>
              </TableWrap>
            </details>
          </figure>
        ))}
      </div>
      <ChartJson charts={p.charts} />

      {p.sla.length > 0 && (
        <section aria-labelledby="sla-h">
          <h2 id="sla-h">SLA by mailbox, priority and timer</h2>
          <TableWrap label="SLA attainment">
            <table class="list">
              <thead><tr><th scope="col">Mailbox</th><th scope="col">Priority</th><th scope="col">Timer</th><th scope="col">Met</th><th scope="col">Breached</th><th scope="col">Attainment</th></tr></thead>
              <tbody>{p.sla.map((r) => <tr><td>{p.mailboxes.find((m) => m.id === r.mailboxId)?.label ?? r.mailboxId}</td><td>{r.priority}</td><td>{r.kind.replace('_', ' ')}</td><td>{r.met}</td><td>{r.breached}</td><td>{r.attainment === null ? '—' : `${Math.round(r.attainment * 100)}%`}</td></tr>)}</tbody>
            </table>
          </TableWrap>
        </section>
      )}

      <section aria-labelledby="kb-h">
        <h2 id="kb-h">Knowledge base</h2>
        <ul class="stats">
          {Object.entries(p.articles).map(([status, n]) => (
            <li><a href={`/app/kb?status=${status}`}><span class="stat-number">{n}</span> <span class="stat-label">{status}</span></a></li>
          ))}
        </ul>
      </section>
      {mayUse(p.viewer.role, 'inbox') && <p class="muted">The open queue is in the <a href="/app/inbox">inbox</a>.</p>}
    </Layout>
  );
}
