import { describe, expect, it } from 'vitest';
import { homeFor, mayUse, navItems, safeNext } from './access.js';

describe('web access', () => {
  it.each([
    ['admin', ['Inbox', 'Knowledge base', 'Knowledge gaps', 'Dashboard', 'Admin'], '/app/inbox'],
    ['agent', ['Inbox', 'Knowledge base', 'Dashboard'], '/app/inbox'],
    ['knowledge_manager', ['Knowledge base', 'Knowledge gaps', 'Dashboard'], '/app/kb'],
  ] as const)('%s sees %j and lands on %s', (role, labels, home) => {
    expect(navItems.filter((i) => mayUse(role, i.area)).map((i) => i.label)).toEqual(labels);
    expect(homeFor(role)).toBe(home);
  });

  it.each([
    ['/app/kb?q=card', '/app/kb?q=card'],
    ['/app', '/app'],
    ['/app/admin/users#x', '/app/admin/users#x'],
    ['/application', null],
    ['//evil.test/app', null],
    ['https://evil.test/app', null],
    ['/app\\..\\evil', null],
    ['/signin', null],
    ['', null],
    [undefined, null],
  ])('safeNext(%j) is %j', (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });
});
