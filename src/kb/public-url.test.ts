import { describe, expect, it } from 'vitest';
import { loadConfig, publicBaseUrl } from '../config.js';
import { articlePublicUrl } from './public-url.js';

describe('articlePublicUrl', () => {
  it.each([
    ['an external URL wins', { id: 'returns', language: 'en', url: 'https://help.shop.test/returns' }, 'https://support.shop.test', 'https://help.shop.test/returns'],
    ['no URL: the help-centre page', { id: 'returns', language: 'en', url: null }, 'https://support.shop.test', 'https://support.shop.test/help/en/returns'],
    ['a blank URL counts as none', { id: 'envio', language: 'es', url: '  ' }, 'https://support.shop.test', 'https://support.shop.test/help/es/envio'],
    ['a trailing slash on the base is not doubled', { id: 'versand', language: 'de', url: null }, 'https://support.shop.test/', 'https://support.shop.test/help/de/versand'],
    ['a base with a path keeps it', { id: 'a1', language: 'en', url: null }, 'https://shop.test/support', 'https://shop.test/support/help/en/a1'],
    ['odd characters in an id are encoded', { id: 'a b/c', language: 'en', url: null }, 'http://127.0.0.1:3000', 'http://127.0.0.1:3000/help/en/a%20b%2Fc'],
  ])('%s', (_name, article, base, expected) => {
    expect(articlePublicUrl(article, base)).toBe(expected);
  });
});

describe('publicBaseUrl', () => {
  it.each([
    ['the setting when given', { PUBLIC_BASE_URL: 'https://support.shop.test', HOST: '0.0.0.0', PORT: 3000 }, 'https://support.shop.test'],
    ['else the listening address', { PUBLIC_BASE_URL: undefined, HOST: '127.0.0.1', PORT: 3000 }, 'http://127.0.0.1:3000'],
    ['an IPv6 host in brackets', { PUBLIC_BASE_URL: undefined, HOST: '::1', PORT: 8080 }, 'http://[::1]:8080'],
  ])('%s', (_name, config, expected) => {
    expect(publicBaseUrl(config)).toBe(expected);
  });
});

describe('PUBLIC_BASE_URL setting', () => {
  const load = (value: string | undefined) => loadConfig({ PUBLIC_BASE_URL: value }, '/nonexistent/.env');
  it('drops a trailing slash, and is optional', () => {
    expect(load('https://support.shop.test/').PUBLIC_BASE_URL).toBe('https://support.shop.test');
    expect(load(undefined).PUBLIC_BASE_URL).toBeUndefined();
  });
  it('refuses anything but an http(s) URL', () => {
    expect(() => load('ftp://support.shop.test')).toThrow(/PUBLIC_BASE_URL/);
    expect(() => load('support.shop.test')).toThrow(/PUBLIC_BASE_URL/);
  });
});
