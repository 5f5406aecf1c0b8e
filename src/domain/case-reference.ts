import { randomInt } from 'node:crypto';

// Crockford base32 without I, L, O, U: easy to read out on the phone and never spells words.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const PATTERN = /\[?#?\b(FR-[0-9A-HJKMNP-TV-Z]{6})(?![0-9A-Z])\]?/i;

/** A short human case reference like FR-7K3Q9X (32^6 ≈ 1e9 values; uniqueness is enforced by the database). */
export function newCaseReference(): string {
  let ref = 'FR-';
  for (let i = 0; i < 6; i++) ref += ALPHABET[randomInt(ALPHABET.length)];
  return ref;
}

/** The case reference a customer kept in the subject when replying, if any. */
export function caseReferenceIn(subject: string): string | null {
  const match = PATTERN.exec(subject);
  return match ? match[1]!.toUpperCase() : null;
}
