// The OpenAPI document of /api: every route the app really serves under /api is in it with its auth requirement,
// the requirement is the one the route enforces, and the document is valid OpenAPI 3.1.
import { rmSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/api/app.js';
import type { AppDeps } from '../src/app-deps.js';
import { OPENAPI_PATH, openApiPath, SECURITY } from '../src/api/openapi.js';
import { createLogger } from '../src/logger.js';
import { testConfig, TEST_INBOUND_TOKEN } from './support/service.js';

// Routing, the role checks and the document need no database: a request without credentials is refused before
// any handler runs.
const config = testConfig();
afterAll(() => rmSync(config.DATA_DIR, { recursive: true, force: true }));
const app = createApp({
  config,
  database: { kind: 'pglite', db: {} } as never,
  log: createLogger('silent'),
  mailStatus: () => [],
  queue: { counts: async () => ({ queued: 0, active: 0, deadLetters: 0 }) } as never,
} as Partial<AppDeps> as AppDeps);

type Operation = { security?: Record<string, string[]>[]; 'x-roles'?: string[]; parameters?: { in: string; name: string }[] };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

/** The routes the app serves under /api (middleware entries are 'ALL'), as 'METHOD /api/path/{param}'. */
const served = app.routes
  .filter((r) => r.method !== 'ALL' && (r.path === '/api' || r.path.startsWith('/api/')))
  .map((r) => ({ method: r.method, honoPath: r.path, path: openApiPath(r.path).path }));
const concrete = (honoPath: string) => honoPath.replace(/:([A-Za-z0-9_]+)/g, '00000000-0000-0000-0000-000000000000');

describe('the OpenAPI document at /api/openapi.json', () => {
  let doc: Document;
  beforeAll(async () => {
    const res = await app.request(OPENAPI_PATH);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    doc = await res.json();
  });

  it('is served to anyone, and is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('lists every /api route the app serves, with its security requirement', () => {
    expect(served.length).toBeGreaterThan(30);
    const missing = served.filter((r) => !doc.paths[r.path]?.[r.method.toLowerCase()]).map((r) => `${r.method} ${r.honoPath}`);
    expect(missing, 'routes served under /api but missing from the OpenAPI document').toEqual([]);
    const noSecurity = served.filter((r) => !Array.isArray(doc.paths[r.path]?.[r.method.toLowerCase()]?.security)).map((r) => `${r.method} ${r.honoPath}`);
    expect(noSecurity, 'routes without a security requirement in the document').toEqual([]);
  });

  it('documents no route the app does not serve', () => {
    const servedKeys = new Set(served.map((r) => `${r.method} ${r.path}`));
    const extra = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).filter((k) => !servedKeys.has(k));
    expect(extra).toEqual([]);
  });

  it('declares every path parameter', () => {
    const undeclared = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).flatMap(([method, op]) =>
      [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).filter((name) => !op.parameters?.some((p) => p.in === 'path' && p.name === name)).map((name) => `${method} ${path} {${name}}`)));
    expect(undeclared).toEqual([]);
  });

  // The document's claim is checked against what the route does: without credentials a route that needs a role
  // answers 401, the inbound route answers 401 to a wrong inbound token, and only the document itself is open.
  it('matches what each route enforces', async () => {
    const wrong: string[] = [];
    for (const r of served) {
      const op = doc.paths[r.path]![r.method.toLowerCase()]!;
      const schemes = (op.security ?? []).flatMap((s) => Object.keys(s));
      const roles = op.security?.find((s) => s[SECURITY.token])?.[SECURITY.token];
      const init = { method: r.method, headers: new Headers(schemes.includes(SECURITY.inbound) ? { authorization: 'Bearer not-the-inbound-token' } : {}) };
      const res = await app.request(concrete(r.honoPath), init);
      await res.body?.cancel();
      const expected = schemes.length === 0 ? 200 : 401;
      if (res.status !== expected) wrong.push(`${r.method} ${r.honoPath}: ${res.status}, expected ${expected} for ${schemes.join('+') || 'public'}`);
      if (schemes.includes(SECURITY.token) && !(roles?.length && roles.every((role) => ['admin', 'agent', 'knowledge_manager'].includes(role)))) wrong.push(`${r.method} ${r.honoPath}: no roles`);
      if (schemes.includes(SECURITY.token)) expect(op['x-roles']).toEqual(roles);
    }
    expect(wrong).toEqual([]);
    expect(TEST_INBOUND_TOKEN).not.toBe('not-the-inbound-token');
  });
});
