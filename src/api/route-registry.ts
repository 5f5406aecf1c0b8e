// One declaration per /api route: method, path, who may call it, and the zod schemas of its input. The same
// declaration registers the hono handler (with the role check and the input validation) and describes the route in
// the OpenAPI document (src/api/openapi.ts), so a route cannot be served without being documented.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import type { Role } from '../auth/tokens.js';
import { parseInput } from '../validation.js';
import { jsonBody } from './json-body.js';
import { requireRole, type AuthEnv } from './principal.js';

/** Who may call a route: a bearer token or signed-in session with one of the roles, the inbound token, or anyone. */
export type Access = { roles: readonly Role[] } | 'inbound-token' | 'public';

/** A request or response body the handler reads or writes itself: documented, validated elsewhere (or not JSON). */
export interface BodyDoc {
  contentType: string;
  description: string;
  /** the use case's own schema, when it validates the parsed JSON itself */
  schema?: z.ZodType;
  optional?: boolean;
}

export interface RouteSpec<P extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined> {
  method: 'get' | 'post' | 'put' | 'delete';
  /** relative to where the routes are mounted, in hono's syntax: '/cases/:id' */
  path: string;
  summary: string;
  description?: string;
  /** defaults to the access of the route group */
  access?: Access;
  /** validated with parseInput before the handler runs; the handler gets the parsed values */
  params?: P;
  query?: Q;
  /** a JSON body, validated; `bodyOptional`: an empty body is {} */
  body?: B;
  bodyOptional?: boolean;
  /** a body the handler reads itself (raw mail, JSONL, JSON a use case validates) */
  rawBody?: BodyDoc;
  /** the success responses: status → what comes back */
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
  /** further middleware after the access check (a body limit of the route's own) */
  middleware?: MiddlewareHandler[];
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
export type RouteInput<P, Q, B> = { params: Out<P>; query: Out<Q>; body: Out<B> };

/** A declared route, with its full path (`/api/...`, hono syntax) once mounted. */
export type DeclaredRoute = Omit<RouteSpec<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>, 'middleware'> & { access: Access };

const declared = new WeakMap<Hono<any>, DeclaredRoute[]>();

/** The routes a group built with apiRoutes declared (paths relative to its mount point); [] for a plain Hono. */
export function declaredRoutes(hono: Hono<any>): DeclaredRoute[] {
  return declared.get(hono) ?? [];
}

export interface ApiRoutes {
  /** the hono app to mount with app.route(prefix, …) */
  readonly hono: Hono<AuthEnv>;
  route<P extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined>(
    spec: RouteSpec<P, Q, B>,
    handler: (c: Context<AuthEnv>, input: RouteInput<P, Q, B>) => Response | Promise<Response>,
  ): ApiRoutes;
}

/**
 * A group of API routes. `authenticate` resolves the caller (it never rejects by itself); `access` is the group's
 * default. With `guardAll`, the group's role check runs for every path under its mount point (unknown paths too,
 * as `.use(operator)` did); otherwise each route checks its own access.
 */
export function apiRoutes(opts: { authenticate?: MiddlewareHandler<AuthEnv>; access: Access; guardAll?: boolean }): ApiRoutes {
  const hono = new Hono<AuthEnv>();
  const routes: DeclaredRoute[] = [];
  declared.set(hono, routes);
  if (opts.authenticate) hono.use(opts.authenticate);
  const groupGuard = opts.guardAll && typeof opts.access === 'object' ? requireRole(...opts.access.roles) : undefined;
  if (groupGuard) hono.use(groupGuard);
  const api: ApiRoutes = {
    hono,
    route(spec, handler) {
      const access = spec.access ?? opts.access;
      const { middleware = [], ...doc } = spec;
      routes.push({ ...doc, access } as DeclaredRoute);
      const guards: MiddlewareHandler<AuthEnv>[] = [];
      if (typeof access === 'object' && !(groupGuard && access === opts.access)) guards.push(requireRole(...access.roles));
      hono.on([spec.method.toUpperCase()], [spec.path], ...guards, ...(middleware as MiddlewareHandler<AuthEnv>[]), async (c) => {
        const input = {
          params: spec.params ? parseInput(spec.params, c.req.param()) : undefined,
          query: spec.query ? parseInput(spec.query, c.req.query()) : undefined,
          body: spec.body ? parseInput(spec.body, await jsonBody(c, spec.bodyOptional)) : undefined,
        } as RouteInput<typeof spec.params, typeof spec.query, typeof spec.body>;
        return handler(c as Context<AuthEnv>, input as never);
      });
      return api;
    },
  };
  return api;
}
