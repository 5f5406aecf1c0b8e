import { mayUse } from '../access.js';
import type { Viewer } from '../env.js';
import { Layout } from '../layout.js';

/** Placeholder: a few counts until knowledge-gap and SLA reports exist. */
export function DashboardPage({ viewer, articles }: { viewer: Viewer; articles: Record<string, number> }) {
  return (
    <Layout title="Dashboard" viewer={viewer} area="dashboard">
      <h1>Dashboard</h1>
      <section aria-labelledby="kb-h">
        <h2 id="kb-h">Knowledge base</h2>
        <ul class="stats">
          {Object.entries(articles).map(([status, n]) => (
            <li><a href={`/app/kb?status=${status}`}><span class="stat-number">{n}</span> <span class="stat-label">{status}</span></a></li>
          ))}
        </ul>
      </section>
      <p class="muted">
        Reply times and knowledge gaps will appear here.{mayUse(viewer.role, 'inbox') && <> The open queue is in the <a href="/app/inbox">inbox</a>.</>}
      </p>
    </Layout>
  );
}
