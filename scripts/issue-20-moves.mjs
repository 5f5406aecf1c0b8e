// Issue 20 (shared pieces at home, names): the file moves and symbol moves, and the import rewrite that follows them.
// Run from the repository root: `node scripts/issue-20-moves.mjs` moves the files still at their old paths (git mv),
// then rewrites every relative import in src/, test/, bench/ that still names an old path or a moved symbol's old
// module. Idempotent: on a branch that already has the moves it only rewrites imports, so an engineer rebasing onto
// the moves can run it to fix the imports of their own files. The integrator may delete it once every branch is in.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** old → new, repository-relative, with extension */
export const FILE_MOVES = [
  ['src/review/audit.ts', 'src/audit/log.ts'],
  ['src/jobs/waker.ts', 'src/runtime/waker.ts'],
  ['src/mail/ingestion-gate.ts', 'src/runtime/ingestion-gate.ts'],
  ['src/mail/ingestion-gate.test.ts', 'src/runtime/ingestion-gate.test.ts'],
  ['src/kb/matching/text-features.ts', 'src/text/features.ts'],
  ['src/kb/matching/text-features.test.ts', 'src/text/features.test.ts'],
  ['src/kb/matching/tfidf.ts', 'src/text/tfidf.ts'],
  ['src/kb/matching/tfidf.test.ts', 'src/text/tfidf.test.ts'],
  ['src/cases/automatic-replies.ts', 'src/mail/automatic-replies.ts'],
  ['src/web/routes.tsx', 'src/web/routes/index.tsx'],
  ['src/review/queue.ts', 'src/review/inbox.ts'],
  ['src/review/composer.ts', 'src/review/worker-composer.ts'],
  ['src/drafts/compose.ts', 'src/drafts/compose-draft.ts'],
  ['prompts/acknowledgement', 'templates/mail/acknowledgement'],
  ['prompts/reply', 'templates/mail/reply'],
  ['prompts/sla-update', 'templates/mail/sla-update'],
];

/** Symbols that left a module for a home of their own (new module, no extension); the code itself moved by hand. */
export const SYMBOL_MOVES = [
  { from: 'src/cases/acknowledgement', to: 'src/domain/message-ids', names: ['newMessageId', 'threadHeaders'] },
  { from: 'src/kb/article-schema', to: 'src/validation', names: ['parseInput'] },
  { from: 'src/api/app', to: 'src/app-deps', names: ['AppDeps'] },
  { from: 'src/api/routes/ops', to: 'src/mail/connection-status', names: ['MailConnectionStatus'] },
  { from: 'src/cases/escalate', to: 'src/escalation/mailbox-rules', names: ['mailboxRules'] },
];

const root = process.cwd();
const noExt = (p) => p.replace(/\.(ts|tsx|mjs|js)$/, '');

for (const [from, to] of FILE_MOVES) {
  if (!existsSync(from) || existsSync(to)) continue;
  execFileSync('mkdir', ['-p', dirname(to)]);
  execFileSync('git', ['mv', from, to]);
}

const moved = new Map(FILE_MOVES.filter(([f]) => !f.startsWith('prompts/')).map(([f, t]) => [noExt(resolve(root, f)), noExt(resolve(root, t))]));
const movedBack = new Map([...moved].map(([f, t]) => [t, f]));

const files = [];
const walk = (d) => {
  for (const n of readdirSync(d)) {
    if (n === 'node_modules') continue;
    const p = join(d, n);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.(ts|tsx|mjs)$/.test(n)) files.push(p);
  }
};
for (const d of ['src', 'test', 'bench']) if (existsSync(d)) walk(resolve(root, d));

const resolves = (p) => ['.ts', '.tsx', '.mjs'].some((e) => existsSync(noExt(p) + e));

const specifier = (fromFile, targetNoExt, ext) => {
  let s = relative(dirname(fromFile), targetNoExt) + ext;
  return s.startsWith('.') ? s : `./${s}`;
};

for (const file of files) {
  // a moved file's imports were written relative to where it was
  const wasAt = (movedBack.get(noExt(file)) ?? noExt(file)) + file.slice(noExt(file).length);
  const text = readFileSync(file, 'utf8');
  let out = text.replace(/(from\s*|import\s*\(\s*|import\s+|vi\.mock\(\s*)(['"])(\.{1,2}\/[^'"]+)\2/g, (all, lead, q, spec) => {
    const ext = spec.match(/\.(js|mjs)$/)?.[0] ?? '';
    if (resolves(resolve(dirname(file), spec))) return all; // already right (a second run, or a path that did not move)
    const target = noExt(resolve(dirname(wasAt), spec));
    const now = moved.get(target) ?? target;
    if (now === target && wasAt === file) return all;
    return `${lead}${q}${specifier(file, now, ext)}${q}`;
  });
  // symbol moves: split `import { a, b } from '…/old'` into the old module's names and the new module's
  out = out.replace(/(import|export)(\s+type)?\s*\{([^}]*)\}\s*from\s*(['"])(\.{1,2}\/[^'"]+)\4;?/g, (all, kw, typeKw, names, q, spec) => {
    const ext = spec.match(/\.(js|mjs)$/)?.[0] ?? '';
    const target = noExt(resolve(dirname(file), spec));
    const move = SYMBOL_MOVES.find((m) => resolve(root, m.from) === target);
    if (!move) return all;
    const parts = names.split(',').map((s) => s.trim()).filter(Boolean);
    const base = (p) => p.replace(/^type\s+/, '').split(/\s+as\s+/)[0].trim();
    const going = parts.filter((p) => move.names.includes(base(p)));
    if (going.length === 0) return all;
    const staying = parts.filter((p) => !move.names.includes(base(p)));
    const t = typeKw ?? '';
    const stmt = (list, s) => `${kw}${t} { ${list.join(', ')} } from ${q}${s}${q};`;
    const lines = [];
    if (staying.length) lines.push(stmt(staying, spec));
    lines.push(stmt(going, specifier(file, resolve(root, move.to), ext)));
    return lines.join('\n');
  });
  if (out !== text) writeFileSync(file, out);
}
