// The web app's own CSS and JS, read once at start and served from memory: no build step, no directory listing,
// nothing served that is not in this list. URLs carry a content hash so browsers may cache them for good.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';

const types: Record<string, string> = {
  'app.css': 'text/css; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
};

const assets = new Map(
  Object.entries(types).map(([name, type]) => {
    const body = readFileSync(new URL(`./static/${name}`, import.meta.url));
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
