// The dashboard's charts as data: one definition per chart (title, unit, series), built from src/insight/reports/,
// shared by the page (embedded as JSON for chart.js) and the CSV export of each chart.
import type { Db } from '../db/client.js';
import { toCsv } from '../insight/reports/csv.js';
import type { ReportFilter } from '../insight/reports/query.js';
import { responseTimes } from '../insight/reports/response-times.js';
import { slaAttainment } from '../insight/reports/sla-attainment.js';
import { volumes } from '../insight/reports/volumes.js';

export interface ChartData {
  id: string;
  title: string;
  description: string;
  type: 'line' | 'bar';
  stacked?: boolean;
  unit: string;
  labels: string[];
  series: { label: string; data: (number | null)[] }[];
}

export const chartIds = ['acknowledgement', 'first-reply', 'resolution', 'sla', 'outcomes', 'languages', 'categories'] as const;
export type ChartId = (typeof chartIds)[number];

const round = (x: number | null, digits = 1) => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);
const share = (n: number, of: number) => (of > 0 ? round((100 * n) / of) : null);

function byKey(buckets: { start: string }[], pick: (b: never) => Record<string, number>) {
  const keys = [...new Set(buckets.flatMap((b) => Object.keys(pick(b as never))))].sort();
  return keys.map((k) => ({ label: k, data: buckets.map((b) => pick(b as never)[k] ?? 0) }));
}

export async function dashboardData(db: Db, f: ReportFilter) {
  const [rt, vol, sla] = await Promise.all([responseTimes(db, f), volumes(db, f), slaAttainment(db, f)]);
  const labels = rt.buckets.map((b) => b.start);
  const vLabels = vol.buckets.map((b) => b.start);
  const charts: ChartData[] = [
    { id: 'acknowledgement', title: 'Automatic acknowledgement time', description: 'Median seconds from the customer\'s email to the acknowledgement being sent.', type: 'line', unit: 'seconds', labels,
      series: [{ label: 'Median acknowledgement (s)', data: rt.buckets.map((b) => round(b.ackMedianSeconds)) }, { label: '90th percentile (s)', data: rt.buckets.map((b) => round(b.ackP90Seconds)) }] },
    { id: 'first-reply', title: 'First human reply time', description: 'Median minutes from the customer\'s email to the first reply an agent approved.', type: 'line', unit: 'minutes', labels,
      series: [{ label: 'Median first human reply (min)', data: rt.buckets.map((b) => round(b.firstHumanMedianMinutes)) }, { label: '90th percentile (min)', data: rt.buckets.map((b) => round(b.firstHumanP90Minutes)) }] },
    { id: 'resolution', title: 'Resolution time', description: 'Median hours from the customer\'s email to resolution, for resolved cases.', type: 'line', unit: 'hours', labels,
      series: [{ label: 'Median resolution (h)', data: rt.buckets.map((b) => round(b.resolutionMedianHours)) }] },
    { id: 'sla', title: 'SLA attainment', description: 'Share of finished SLA timers that were met.', type: 'line', unit: '%', labels,
      series: [{ label: 'SLA met (%)', data: rt.buckets.map((b) => (b.slaAttainment === null ? null : round(100 * b.slaAttainment))) }] },
    { id: 'outcomes', title: 'Acknowledged, suppressed, escalated, answered from the knowledge base',
      description: 'Acknowledged, escalated and answered: % of the cases opened in each period. Suppressed: % of the emails received (suppressed mail often opens no case).',
      type: 'line', unit: '%', labels: vLabels,
      series: [
        { label: 'Acknowledged (% of cases)', data: vol.buckets.map((b) => share(b.acknowledged, b.cases)) },
        { label: 'Suppressed (% of emails)', data: vol.buckets.map((b) => share(b.suppressed, b.messages)) },
        { label: 'Escalated (% of cases)', data: vol.buckets.map((b) => share(b.escalated, b.cases)) },
        { label: 'Answered from KB (% of cases)', data: vol.buckets.map((b) => share(b.answeredFromKb, b.cases)) },
      ] },
    { id: 'languages', title: 'Volume by language', description: 'Cases opened, by the customer\'s language.', type: 'bar', stacked: true, unit: 'cases', labels: vLabels,
      series: byKey(vol.buckets, (b: { byLanguage: Record<string, number> }) => b.byLanguage) },
    { id: 'categories', title: 'Volume by category', description: 'Cases opened, by category.', type: 'bar', stacked: true, unit: 'cases', labels: vLabels,
      series: byKey(vol.buckets, (b: { byCategory: Record<string, number> }) => b.byCategory) },
  ];
  const total = rt.total;
  const volumeTotal = vol.buckets.reduce((acc, b) => ({
    messages: acc.messages + b.messages, cases: acc.cases + b.cases, acknowledged: acc.acknowledged + b.acknowledged, suppressed: acc.suppressed + b.suppressed,
    escalated: acc.escalated + b.escalated, answeredFromKb: acc.answeredFromKb + b.answeredFromKb,
  }), { messages: 0, cases: 0, acknowledged: 0, suppressed: 0, escalated: 0, answeredFromKb: 0 });
  return { charts, total, volumeTotal, sla: sla.rows };
}

export function chartCsv(chart: ChartData): string {
  const rows = chart.labels.map((start, i) => Object.fromEntries([['start', start], ...chart.series.map((s) => [s.label, s.data[i]])]));
  return toCsv(rows, ['start', ...chart.series.map((s) => s.label)]);
}
