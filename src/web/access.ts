// Which parts of the web app each role may use. Navigation and route guards both read this table, so a link is
// shown exactly when following it would be allowed.
import type { Role } from '../db/schema/auth.js';
import { CASE_WORKER_ROLES } from '../inbox/bulk.js';

export type Area = 'inbox' | 'kb' | 'kbWrite' | 'gaps' | 'dashboard' | 'admin';

export const areaRoles: Record<Area, readonly Role[]> = {
  inbox: CASE_WORKER_ROLES,
  kb: ['admin', 'agent', 'knowledge_manager'],
  kbWrite: ['admin', 'knowledge_manager'],
  gaps: ['admin', 'knowledge_manager'],
  dashboard: ['admin', 'agent', 'knowledge_manager'],
  admin: ['admin'],
};

export function mayUse(role: Role, area: Area): boolean {
  return areaRoles[area].includes(role);
}

export const navItems: { area: Area; label: string; href: string }[] = [
  { area: 'inbox', label: 'Inbox', href: '/app/inbox' },
  { area: 'kb', label: 'Knowledge base', href: '/app/kb' },
  { area: 'gaps', label: 'Knowledge gaps', href: '/app/kb/gaps' },
  { area: 'dashboard', label: 'Dashboard', href: '/app/dashboard' },
  { area: 'admin', label: 'Admin', href: '/app/admin/users' },
];

/** Where /app and a successful sign-in without ?next lead: the first area the role may use. */
export function homeFor(role: Role): string {
  return navItems.find((item) => mayUse(role, item.area))!.href;
}

export const roleLabels: Record<Role, string> = { admin: 'Admin', agent: 'Agent', knowledge_manager: 'Knowledge manager' };

/**
 * Only same-site paths inside the app survive as a post-sign-in target: "//evil.test" or "https://…" would turn
 * the sign-in page into an open redirect.
 */
export function safeNext(next: string | undefined | null): string | null {
  if (!next || next.length > 2000) return null;
  if (!/^\/app(?:[/?#]|$)/.test(next) || /[\\\r\n\t]/.test(next)) return null;
  return next;
}
