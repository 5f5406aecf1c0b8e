import type { MiddlewareHandler } from 'hono';
import { mayUse, type Area } from '../access.js';
import { render, type WebEnv } from '../env.js';
import { ErrorPage } from '../pages/error.js';

/** A page for roles that may use `area`; anyone else gets a 403 page (signed in, so with the normal navigation). */
export function allow(area: Area): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const viewer = c.get('viewer');
    if (!mayUse(viewer.role, area)) {
      return render(c, <ErrorPage status={403} viewer={viewer} message="Your role does not give access to this page. Ask an admin if you need it." />, 403);
    }
    await next();
  };
}
