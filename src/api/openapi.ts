// The OpenAPI 3.1 document of /api, built from the routes' own declarations (src/api/route-registry.ts).
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { errorCodes } from '../errors.js';
import { PLAIN_COOKIE, SECURE_COOKIE } from '../web/session-http.js';
import type { Access, DeclaredRoute } from './route-registry.js';

export const OPENAPI_PATH = '/api/openapi.json';

/** The names of the security schemes in the document. */
export const SECURITY = { token: 'apiToken', session: 'session', inbound: 'inboundToken' } as const;

const errorSchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(errorCodes) as [keyof typeof errorCodes, ...(keyof typeof errorCodes)[]]),
    message: z.string(),
    retryable: z.boolean(),
    requestId: z.string().optional(),
  }),
}).meta({ id: 'Error', description: 'Every error, whatever the route: a stable code, a sentence, and whether retrying can help' });

/** '/cases/:id' → '/cases/{id}', and the names of its parameters. */
export function openApiPath(honoPath: string): { path: string; params: string[] } {
  const params: string[] = [];
  const path = honoPath.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, (_m, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path, params };
}

/**
 * OpenAPI 3.1 lets a non-OAuth scheme list role names: the caller needs one of them. A browser signed in to the
 * web app may call the same routes with its session cookie (and the x-csrf-token header on writes).
 */
function security(access: Access): RouteConfig['security'] {
  if (access === 'public') return [];
  if (access === 'inbound-token') return [{ [SECURITY.inbound]: [] }];
  return [{ [SECURITY.token]: [...access.roles] }, { [SECURITY.session]: [...access.roles] }];
}

function operation(route: DeclaredRoute): RouteConfig {
  const { path, params } = openApiPath(route.path);
  const declaredParams = route.params instanceof z.ZodObject ? Object.keys(route.params.shape) : [];
  // A path parameter the route reads without a schema of its own is a string.
  const missing = params.filter((p) => !declaredParams.includes(p));
  const paramSchema = missing.length === 0 ? route.params : z.object({
    ...(route.params instanceof z.ZodObject ? route.params.shape : {}),
    ...Object.fromEntries(missing.map((p) => [p, z.string()])),
  });
  const body = route.body
    ? { required: !route.bodyOptional, content: { 'application/json': { schema: route.body } } }
    : route.rawBody
      ? { description: route.rawBody.description, required: !route.rawBody.optional, content: { [route.rawBody.contentType]: { schema: route.rawBody.schema ?? z.string() } } }
      : undefined;
  const responses: RouteConfig['responses'] = {};
  for (const [status, r] of Object.entries(route.responses)) {
    responses[status] = r.schema || r.contentType
      ? { description: r.description, content: { [r.contentType ?? 'application/json']: { schema: r.schema ?? z.string() } } }
      : { description: r.description };
  }
  if (typeof route.access === 'object') {
    responses[401] = { description: 'no valid bearer token or session', content: { 'application/json': { schema: errorSchema } } };
    responses[403] = { description: `the caller's role is not ${route.access.roles.join(' or ')}`, content: { 'application/json': { schema: errorSchema } } };
  }
  responses.default = { description: 'an error (400 bad input, 404, 409, 413, 429, 5xx)', content: { 'application/json': { schema: errorSchema } } };
  return {
    method: route.method,
    path,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(typeof route.access === 'object' ? { 'x-roles': [...route.access.roles] } : {}),
    security: security(route.access),
    request: {
      ...(paramSchema ? { params: paramSchema as z.ZodObject } : {}),
      ...(route.query ? { query: route.query as z.ZodObject } : {}),
      ...(body ? { body } : {}),
    },
    responses,
  };
}

/** The document for the routes mounted under /api, each with its full path. */
export function openApiDocument(routes: DeclaredRoute[], info: { version: string }) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', SECURITY.token, {
    type: 'http', scheme: 'bearer', description: 'An API token (firstreply token create) or API_TOKEN; the listed roles may call the route',
  });
  registry.registerComponent('securitySchemes', SECURITY.session, {
    type: 'apiKey', in: 'cookie', name: PLAIN_COOKIE,
    description: `A web app session (${SECURE_COOKIE} over HTTPS); writes need its x-csrf-token header`,
  });
  registry.registerComponent('securitySchemes', SECURITY.inbound, { type: 'http', scheme: 'bearer', description: 'INBOUND_TOKEN' });
  for (const route of routes) registry.registerPath(operation(route));
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'firstreply API', version: info.version, description: 'Errors have one shape: { error: { code, message, retryable, requestId } }.' },
  });
}
