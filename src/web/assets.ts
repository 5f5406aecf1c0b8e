// The web app's own CSS and JS, read once at start and served from memory: no build step, no directory listing,
// nothing served that is not in this list. URLs carry a content hash so browsers may cache them for good.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Hono } from 'hono';

const types: Record<string, string> = {
  'app.css': 'text/css; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'chart.js': 'text/javascript; charset=utf-8',
};

/** chart.js's self-contained UMD build, straight from node_modules (its package exports hide the file, so go via its entry's folder). */
const chartJsFile = () => path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

const assets = new Map(
  Object.entries(types).map(([name, type]) => {
    const body = readFileSync(name === 'chart.js' ? chartJsFile() : new URL(`./static/${name}`, import.meta.url));
    return [name, { body, type, hash: createHash('sha256').update(body).digest('hex').slice(0, 12) }] as const;
  }),
);

export function assetUrl(name: keyof typeof types & string): string {
  return `/assets/${name}?v=${assets.get(name)!.hash}`;
}

export function assetRoutes() {
  return new Hono().get('/assets/:name', (c) => {
    const asset = assets.get(c.req.param('name'));
    if (!asset) return c.text('not found', 404);
    const immutable = c.req.query('v') === asset.hash;
    return c.body(new Uint8Array(asset.body), 200, {
      'content-type': asset.type,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  });
}
