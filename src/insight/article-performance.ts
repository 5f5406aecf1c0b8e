// Article performance: what each article version did for customers and agents, which published articles never
// answer anything, and which pairs compete for the same questions (duplicates, or two articles that contradict).
//
// Per article version, each figure counted when it happened (the optional range applies to that instant):
// - suggested: acknowledgements queued (outbox, kind 'acknowledgement', at created_at) whose match row for the same
//   customer message (case_matches.suggested) named the version. A match without an acknowledgement counts nothing.
// - cited: drafts (at created_at) whose citations name the version, whatever became of them.
// - approvedUnchanged / edited: approved drafts citing it (at decided_at), sent as generated (body = generated body,
//   trimmed, as the review loop compares) or changed by the agent; rejected: rejected drafts citing it.
// - deflected: cases resolved (at resolved_at, status 'resolved' now) without any outbox reply ever, whose sent
//   acknowledgement suggested the version: the customer read the article and needed nobody. An acknowledgement that
//   suggested two articles credits both.
// neverMatched: published articles that, in the range, were never the top-ranked match, never suggested and never
// cited (appearing lower in a ranking is noise the matcher always produces).
// competing: pairs ranked first and second for the same message with the runner-up within `margin` (a share of the
// top score) of the winner, for at least `minShared` messages; translations of one another (same translation group)
// are not competitors.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { selectRows } from '../db/rows.js';
import { AppError } from '../errors.js';

export interface ArticlePerformanceOptions {
  from?: Date;
  to?: Date;
  /** runner-up within this share of the top score counts as competing (default 0.1: at least 90% of it) */
  margin?: number;
  /** messages a pair must share to be reported (default 3) */
  minShared?: number;
}

export interface ArticleVersionPerformance {
  articleId: string;
  version: number;
  /** the version's title (article_versions), else the article's current title; null if the article was deleted */
  title: string | null;
  suggested: number;
  cited: number;
  approvedUnchanged: number;
  edited: number;
  rejected: number;
  deflected: number;
}

export interface CompetingPair {
  /** the two article ids, a < b */
  a: string;
  b: string;
  aTitle: string | null;
  bTitle: string | null;
  sharedQuestions: number;
  /** the subject of the most recent message both competed for */
  example: string;
  exampleCaseId: string;
  exampleReference: string | null;
}

export interface ArticlePerformance {
  articles: ArticleVersionPerformance[];
  neverMatched: { articleId: string; title: string }[];
  competing: CompetingPair[];
}

export const DEFAULT_COMPETING_MARGIN = 0.1;
export const DEFAULT_COMPETING_MIN_SHARED = 3;

function inRange(column: SQL, opts: ArticlePerformanceOptions): SQL {
  const parts: SQL[] = [];
  if (opts.from) parts.push(sql`${column} >= ${opts.from.toISOString()}::timestamptz`);
  if (opts.to) parts.push(sql`${column} < ${opts.to.toISOString()}::timestamptz`);
  return parts.length ? sql.join(parts, sql` and `) : sql`true`;
}

function check(opts: ArticlePerformanceOptions): { margin: number; minShared: number } {
  for (const [name, d] of [['from', opts.from], ['to', opts.to]] as const) {
    if (d !== undefined && (!(d instanceof Date) || Number.isNaN(d.getTime()))) throw new AppError('bad_request', `${name} must be a valid date`);
  }
  if (opts.from && opts.to && opts.to.getTime() <= opts.from.getTime()) throw new AppError('bad_request', 'to must be after from');
  const margin = opts.margin ?? DEFAULT_COMPETING_MARGIN;
  const minShared = opts.minShared ?? DEFAULT_COMPETING_MIN_SHARED;
  if (!(margin >= 0 && margin <= 1)) throw new AppError('bad_request', 'margin must be between 0 and 1');
  if (!Number.isInteger(minShared) || minShared < 1) throw new AppError('bad_request', 'minShared must be a positive integer');
  return { margin, minShared };
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

type VersionRow = { article_id: string; version: number; title: string | null } & Record<'suggested' | 'cited' | 'approved_unchanged' | 'edited' | 'rejected' | 'deflected', number>;

/** Figures per article version; `articleId` limits them to one article's versions. */
function perVersionRows(db: Db, opts: ArticlePerformanceOptions, articleId?: string) {
  const unchanged = sql`d.body = regexp_replace(coalesce(d.generated_body, ''), '^\\s+|\\s+$', '', 'g')`;
  const only = articleId === undefined ? sql`true` : sql`x."articleId" = ${articleId}`;
  return selectRows<VersionRow>(db, sql`
    with suggested as (
      select x."articleId" as article_id, x.version, count(distinct o.id)::int as n
      from outbox o
      join case_matches cm on cm.case_id = o.case_id and cm.inbound_message_id = o.inbound_message_id
      cross join lateral jsonb_to_recordset(cm.suggested) as x("articleId" text, version int)
      where o.kind = 'acknowledgement' and ${inRange(sql`o.created_at`, opts)} and ${only}
      group by 1, 2
    ),
    drafted as (
      select x."articleId" as article_id, x.version,
        count(distinct d.id) filter (where ${inRange(sql`d.created_at`, opts)})::int as cited,
        count(distinct d.id) filter (where d.status = 'approved' and ${unchanged} and ${inRange(sql`d.decided_at`, opts)})::int as approved_unchanged,
        count(distinct d.id) filter (where d.status = 'approved' and not (${unchanged}) and ${inRange(sql`d.decided_at`, opts)})::int as edited,
        count(distinct d.id) filter (where d.status = 'rejected' and ${inRange(sql`d.decided_at`, opts)})::int as rejected
      from drafts d
      cross join lateral jsonb_to_recordset(d.citations) as x("articleId" text, version int)
      where jsonb_typeof(d.citations) = 'array' and ${only}
      group by 1, 2
    ),
    deflected as (
      select x."articleId" as article_id, x.version, count(distinct c.id)::int as n
      from cases c
      join outbox o on o.case_id = c.id and o.kind = 'acknowledgement' and o.status = 'sent'
      join case_matches cm on cm.case_id = o.case_id and cm.inbound_message_id = o.inbound_message_id
      cross join lateral jsonb_to_recordset(cm.suggested) as x("articleId" text, version int)
      where c.status = 'resolved' and ${inRange(sql`c.resolved_at`, opts)}
        and not exists (select 1 from outbox r where r.case_id = c.id and r.kind = 'reply') and ${only}
      group by 1, 2
    ),
    keys as (
      select article_id, version from suggested union select article_id, version from drafted union select article_id, version from deflected
    )
    select k.article_id, k.version, coalesce(v.title, a.title) as title,
      coalesce(s.n, 0) as suggested, coalesce(dr.cited, 0) as cited, coalesce(dr.approved_unchanged, 0) as approved_unchanged,
      coalesce(dr.edited, 0) as edited, coalesce(dr.rejected, 0) as rejected, coalesce(df.n, 0) as deflected
    from keys k
    left join suggested s on s.article_id = k.article_id and s.version = k.version
    left join drafted dr on dr.article_id = k.article_id and dr.version = k.version
    left join deflected df on df.article_id = k.article_id and df.version = k.version
    left join article_versions v on v.article_id = k.article_id and v.version = k.version
    left join articles a on a.id = k.article_id
    where k.article_id is not null and k.version is not null`);
}

const toVersion = (r: VersionRow): ArticleVersionPerformance => ({
  articleId: r.article_id, version: num(r.version), title: r.title,
  suggested: num(r.suggested), cited: num(r.cited), approvedUnchanged: num(r.approved_unchanged),
  edited: num(r.edited), rejected: num(r.rejected), deflected: num(r.deflected),
});

const anything = (r: ArticleVersionPerformance) => r.suggested + r.cited + r.approvedUnchanged + r.edited + r.rejected + r.deflected > 0;

/** One article's figures, newest version first (for its page): only the versions that did something. */
export async function performanceOfArticle(db: Db, articleId: string, opts: ArticlePerformanceOptions = {}): Promise<ArticleVersionPerformance[]> {
  check(opts);
  const rows = await perVersionRows(db, opts, articleId);
  return rows.map(toVersion).filter(anything).sort((x, y) => y.version - x.version);
}

export async function articlePerformance(db: Db, opts: ArticlePerformanceOptions = {}): Promise<ArticlePerformance> {
  const { margin, minShared } = check(opts);

  const perVersion = perVersionRows(db, opts);

  const neverMatched = selectRows<{ article_id: string; title: string }>(db, sql`
    with matched as (
      select cm.ranked->0->>'articleId' as id from case_matches cm
      where jsonb_typeof(cm.ranked) = 'array' and ${inRange(sql`cm.created_at`, opts)}
      union
      select x."articleId" from case_matches cm cross join lateral jsonb_to_recordset(cm.suggested) as x("articleId" text)
      where jsonb_typeof(cm.suggested) = 'array' and ${inRange(sql`cm.created_at`, opts)}
      union
      select x."articleId" from drafts d cross join lateral jsonb_to_recordset(d.citations) as x("articleId" text)
      where jsonb_typeof(d.citations) = 'array' and ${inRange(sql`d.created_at`, opts)}
    )
    select a.id as article_id, a.title from articles a
    where a.status = 'published' and not exists (select 1 from matched m where m.id = a.id)
    order by a.id`);

  const competing = selectRows<{ a: string; b: string; a_title: string | null; b_title: string | null; shared: number; example_case: string; example_reference: string | null; example: string | null }>(db, sql`
    with top2 as (
      select cm.id, cm.case_id, cm.inbound_message_id, cm.created_at,
        cm.ranked->0->>'articleId' as r1, (cm.ranked->0->>'score')::float8 as s1,
        cm.ranked->1->>'articleId' as r2, (cm.ranked->1->>'score')::float8 as s2
      from case_matches cm
      where jsonb_typeof(cm.ranked) = 'array' and jsonb_array_length(cm.ranked) >= 2 and ${inRange(sql`cm.created_at`, opts)}
    ),
    pairs as (
      select least(t.r1, t.r2) as a, greatest(t.r1, t.r2) as b, t.*
      from top2 t
      left join articles fa on fa.id = t.r1
      left join articles sa on sa.id = t.r2
      where t.r1 <> t.r2 and t.s1 - t.s2 <= ${margin}::float8 * abs(t.s1)
        and not coalesce(fa.translation_group = sa.translation_group, false)
    ),
    grouped as (
      select p.a, p.b, count(distinct p.inbound_message_id)::int as shared,
        (array_agg(p.inbound_message_id order by p.created_at desc, p.id desc))[1] as example_message,
        (array_agg(p.case_id order by p.created_at desc, p.id desc))[1] as example_case
      from pairs p group by p.a, p.b
      having count(distinct p.inbound_message_id) >= ${minShared}
    )
    select g.a, g.b, aa.title as a_title, ab.title as b_title, g.shared, g.example_case::text as example_case, c.reference as example_reference,
      coalesce(m.subject, c.subject) as example
    from grouped g
    left join articles aa on aa.id = g.a
    left join articles ab on ab.id = g.b
    left join cases c on c.id = g.example_case
    left join inbound_messages m on m.id = g.example_message
    order by g.shared desc, g.a, g.b`);

  const [versionRows, neverRows, pairRows] = await Promise.all([perVersion, neverMatched, competing]);
  const articles = versionRows
    .map(toVersion)
    .filter(anything)
    .sort((x, y) => y.suggested + y.cited - (x.suggested + x.cited) || x.articleId.localeCompare(y.articleId) || x.version - y.version);
  return {
    articles,
    neverMatched: neverRows.map((r) => ({ articleId: r.article_id, title: r.title })),
    competing: pairRows.map((r) => ({
      a: r.a, b: r.b, aTitle: r.a_title, bTitle: r.b_title, sharedQuestions: num(r.shared),
      example: (r.example ?? '').slice(0, 300), exampleCaseId: r.example_case, exampleReference: r.example_reference,
    })),
  };
}
