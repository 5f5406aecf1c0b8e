/** A UTF-16 surrogate without its other half: no UTF-8 encoding exists for it, and PostgreSQL refuses the bytes. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text PostgreSQL can store: no NUL (a text column cannot hold it) and no lone surrogate (mail decoders produce them
 * from broken encoded words; found by test/fuzz.test.ts). Both become U+FFFD, the replacement character.
 * Everything taken from a message passes through here before it is written to a text column.
 */
export function pgText(value: string): string;
export function pgText(value: string | null | undefined): string | null;
export function pgText(value: string | null | undefined): string | null {
  if (value == null) return null;
  const noNul = value.includes('\u0000') ? value.replace(/\u0000/g, '\uFFFD') : value;
  return noNul.replace(LONE_SURROGATE, '\uFFFD');
}
