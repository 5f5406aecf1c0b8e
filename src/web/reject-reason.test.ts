import { describe, expect, it } from 'vitest';
import { rejectReason } from './reject-reason.js';

describe('rejectReason', () => {
  it.each([
    ['Wrong article cited', '', 'Wrong article cited'],
    ['Wrong article cited', '  the refund article, not delivery ', 'Wrong article cited: the refund article, not delivery'],
    ['Other', 'customer is a reseller', 'customer is a reseller'],
  ])('%s + "%s"', (kind, details, reason) => {
    expect(rejectReason(kind, details)).toBe(reason);
  });

  it.each([['Other', ''], ['', 'words'], ['Made up', 'x']])('refuses kind "%s" with details "%s"', (kind, details) => {
    expect(() => rejectReason(kind, details)).toThrow(/reject/);
  });
});
