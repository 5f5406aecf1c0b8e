import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, hashPassword, parseHash, passwordProblem, verifyAgainstDummy, verifyPassword } from './passwords.js';

// Small parameters keep the table fast; one test covers the real defaults.
const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe('password hashing', () => {
  it('uses scrypt with the default parameters and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(parseHash(hash)).toMatchObject(DEFAULT_PARAMS);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', hash)).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same password 123', FAST), hashPassword('same password 123', FAST)]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password 123', a)).toBe(true);
    expect(await verifyPassword('same password 123', b)).toBe(true);
  });

  it('reads the parameters from the stored hash', async () => {
    const hash = await hashPassword('older parameters', { N: 2 ** 12, r: 4, p: 2 });
    expect(hash.startsWith('scrypt$4096$4$2$')).toBe(true);
    expect(await verifyPassword('older parameters', hash)).toBe(true);
  });

  it('treats canonically equivalent Unicode the same (NFKC)', async () => {
    const hash = await hashPassword('caf\u00e9 au lait!!', FAST);
    expect(await verifyPassword('cafe\u0301 au lait!!', hash)).toBe(true);
  });

  const good = 'scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA$' + 'A'.repeat(43);
  it.each([
    ['empty', ''],
    ['another scheme', good.replace('scrypt', 'bcrypt')],
    ['N not a power of two', good.replace('$1024$', '$1000$')],
    ['N too large for memory', good.replace('$1024$', `$${2 ** 24}$`)],
    ['r out of range', good.replace('$8$1$', '$99$1$')],
    ['too few parts', 'scrypt$1024$8$1$abc'],
    ['short key', good.slice(0, -4)],
  ])('a malformed stored hash (%s) verifies nothing and does not throw', async (_name, stored) => {
    expect(parseHash(stored)).toBeNull();
    expect(await verifyPassword('anything at all', stored)).toBe(false);
  });

  it('refuses absurdly long passwords without hashing them', async () => {
    await expect(hashPassword('x'.repeat(2000))).rejects.toThrow(/1024/);
    expect(await verifyPassword('x'.repeat(2000), good)).toBe(false);
    expect(await verifyAgainstDummy('x'.repeat(2000))).toBe(false);
  });

  it.each([
    ['short', 'use at least 12 characters'],
    ['twelve chars', null],
    ['y'.repeat(1025), 'use at most 1024 characters'],
  ])('password rule for %j', (password, problem) => {
    expect(passwordProblem(password)).toBe(problem);
  });
});
