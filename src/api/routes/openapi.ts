import { createRequire } from 'node:module';
import { OPENAPI_PATH, openApiDocument } from '../openapi.js';
import { apiRoutes, type DeclaredRoute } from '../route-registry.js';

const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };

/** GET /api/openapi.json: the OpenAPI 3.1 document of every route mounted under /api, built once on first request. */
export function openApiRoutes(routes: () => DeclaredRoute[]) {
  let document: ReturnType<typeof openApiDocument> | undefined;
  return apiRoutes({ access: 'public' })
    .route({ method: 'get', path: OPENAPI_PATH.slice('/api'.length), summary: 'This document (OpenAPI 3.1)', responses: { 200: { description: 'the OpenAPI document' } } },
      (c) => c.json((document ??= openApiDocument(routes(), { version })))
    ).hono;
}
