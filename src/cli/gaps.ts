import { parseArgs } from 'node:util';
import { createChatClient, createEmbedder } from '../ai/provider.js';
import type { Config } from '../config.js';
import { databaseOptions } from '../config.js';
import { withDatabase } from '../db/client.js';
import { gapStatuses, type GapStatus } from '../db/schema/gaps.js';
import { listGaps, type GapReport } from '../insight/gaps/list.js';
import { recomputeGaps } from '../insight/gaps/recompute.js';

const USAGE = `Usage:
  firstreply kb gaps [--recompute] [--json] [--limit N] [--status ${gapStatuses.join('|')}] [--min-size N]
    the questions no article answers, grouped by topic, largest first; --recompute re-clusters them first`;

/** `firstreply kb gaps ...` (args after "gaps"). */
export async function gapsCommand(config: Config, args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        recompute: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        limit: { type: 'string', default: '20' },
        status: { type: 'string', default: 'open' },
        'min-size': { type: 'string', default: '2' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  const limit = Number(values.limit);
  const minSize = Number(values['min-size']);
  if (values.help || !Number.isInteger(limit) || limit < 1 || !Number.isInteger(minSize) || minSize < 1 || !(gapStatuses as readonly string[]).includes(values.status!)) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  return withDatabase(databaseOptions(config), async (database) => {
    if (values.recompute) {
      const embedder = createEmbedder(config, { db: database.db });
      const report = await recomputeGaps(database.db, embedder, { chat: createChatClient(config) });
      console.error(`recomputed: ${report.questions} questions in ${report.clusters} clusters (${report.groups} of 2 or more) in ${report.ms} ms`);
    }
    const gaps = await listGaps(database.db, { status: values.status as GapStatus, limit, minSize });
    if (values.json) {
      for (const g of gaps) console.log(JSON.stringify(g));
    } else if (gaps.length === 0) {
      console.error(`no ${values.status} knowledge gaps${minSize > 1 ? ` of ${minSize} or more questions` : ''}`);
    } else {
      console.log(gaps.map(formatGap).join('\n\n'));
    }
    return 0;
  });
}

export function formatGap(g: GapReport): string {
  const trend = `${g.trend.direction}: ${g.trend.last7Days} in the last 7 days, ${g.trend.previous7Days} the 7 before`;
  const closest = g.closestArticle ? `${g.closestArticle.articleId} "${g.closestArticle.title}" (${g.closestArticle.score.toFixed(2)})` : 'none';
  const body = g.suggestion.body.replace(/\s+/g, ' ').trim();
  return [
    `#${g.id}  ${g.size} question${g.size === 1 ? '' : 's'}  [${g.status}]  ${trend}`,
    `  suggested title: ${g.suggestion.title}`,
    `  closest article: ${closest}`,
    `  examples: ${g.suggestion.examples.slice(0, 5).map((e) => JSON.stringify(e)).join(', ')}`,
    `  body (${g.suggestion.bodySource}): ${body.length > 200 ? `${body.slice(0, 200)}…` : body}`,
    ...(g.articleId ? [`  article: ${g.articleId}`] : []),
  ].join('\n');
}
