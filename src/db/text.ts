/**
 * PostgreSQL text cannot hold NUL characters, and mail (binary parts read as text, hostile headers) does.
 * Everything taken from a message passes through here before it is written to a text column.
 */
export function pgText(value: string): string;
export function pgText(value: string | null | undefined): string | null;
export function pgText(value: string | null | undefined): string | null {
  if (value == null) return null;
  return value.includes('\u0000') ? value.replace(/\u0000/g, '\uFFFD') : value;
}
