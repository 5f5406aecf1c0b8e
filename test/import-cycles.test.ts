// The folders under src/ read as the flow: a folder imports only folders below it, never one that imports it back
// (issue 20). Every relative import of every source file (type-only and dynamic ones too) is an edge between the
// importing file's folder and the imported file's folder; a file directly in src/ (config.ts, errors.ts) is a node
// of its own. Tests are left out: they may reach anywhere.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

/** Known edges another change removes; each one named with why it is still here. None left. */
const ALLOWED_EDGES = new Set<string>([]);

const IMPORT = /(?:\bimport|\bexport)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]|\bimport\s+['"]([^'"]+)['"]/g;

type Graph = Map<string, Map<string, string>>; // folder -> imported folder -> one import that makes the edge

function folderOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0]!;
}

function folderGraph(): Graph {
  const graph: Graph = new Map();
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|tsx|mjs)$/.test(f) && !/\.test\.ts$/.test(f))
    .map((f) => path.join(SRC, f));
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3]!;
      if (!spec.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), spec);
      if (!target.startsWith(SRC + path.sep)) continue;
      const [from, to] = [folderOf(file), folderOf(target)];
      if (from === to || ALLOWED_EDGES.has(`${from} -> ${to}`)) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      if (!graph.get(from)!.has(to)) graph.get(from)!.set(to, `${path.relative(SRC, file)} imports ${spec}`);
    }
  }
  return graph;
}

/** Every cycle a depth-first walk meets (one per back edge), each as the folders in order and the imports closing it. */
function findCycles(graph: Graph): string[] {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of [...(graph.get(node)?.keys() ?? [])].sort()) {
      if (state.get(next) === 'open') {
        const loop = [...stack.slice(stack.indexOf(next)), next];
        const why = loop.slice(1).map((to, i) => `  ${graph.get(loop[i]!)!.get(to)}`);
        cycles.push([loop.join(' -> '), ...why].join('\n'));
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

const graphOf = (edges: string[]): Graph => {
  const graph: Graph = new Map();
  for (const e of edges) {
    const [from, to] = e.split(' -> ') as [string, string];
    if (!graph.has(from)) graph.set(from, new Map());
    graph.get(from)!.set(to, `${from}/x.ts imports ../${to}/y.js`);
  }
  return graph;
};

describe('import cycles between src folders', () => {
  it.each([
    { edges: ['web -> cases', 'cases -> db', 'web -> db'], cycles: [] },
    { edges: ['cases -> review', 'review -> cases'], cycles: ['cases -> review -> cases\n  cases/x.ts imports ../review/y.js\n  review/x.ts imports ../cases/y.js'] },
    { edges: ['a -> b', 'b -> c', 'c -> a', 'c -> d'], cycles: ['a -> b -> c -> a\n  a/x.ts imports ../b/y.js\n  b/x.ts imports ../c/y.js\n  c/x.ts imports ../a/y.js'] },
  ])('the walk finds $cycles.length cycle(s) in $edges', ({ edges, cycles }) => {
    expect(findCycles(graphOf(edges))).toEqual(cycles);
  });

  it('reads the imports of the real tree (the flow runs from the pipeline down to the database)', () => {
    const graph = folderGraph();
    expect(graph.get('cases')?.has('db')).toBe(true);
    expect(graph.get('api')?.has('web')).toBe(true);
  });

  it('has none', () => {
    expect(findCycles(folderGraph())).toEqual([]);
  });
});
