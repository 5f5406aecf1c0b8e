// When two addresses are "the same sender" for the guard. Mail software compares addresses byte for byte, but a
// person reading them does not: "suppоrt@" with a Cyrillic о, fullwidth "ｓｕｐｐｏｒｔ@" and "mailer‐daemon@" with a
// Unicode hyphen all read as the ASCII address they imitate. The guard's own-address, system-sender and per-sender-cap
// checks compare the folded form, so a look-alike cannot slip past a rule written for the original.
import unhomoglyph from 'unhomoglyph';

/**
 * NFKC (fullwidth and compatibility forms), then every non-ASCII character replaced by its Unicode TR39 confusable
 * prototype (the unhomoglyph package ships confusables.txt), then lower case. ASCII characters are left alone: TR39
 * would also map "m" to "rn" and "1" to "l", which makes the result unusable for the guard's patterns and folds
 * genuinely different ASCII addresses together.
 */
export function foldAddress(address: string): string {
  let out = '';
  for (const ch of address.normalize('NFKC')) out += ch <= '\u007f' ? ch : unhomoglyph(ch);
  // A prototype may itself be a compatibility form; once more through NFKC, and strip what only hides (zero-width).
  return out.normalize('NFKC').replace(/[\u200b-\u200d\u2060\ufeff\u00ad]/g, '').trim().toLowerCase();
}

/** The local part of a folded address (everything before the last @). */
export function foldedLocalPart(address: string): string {
  const folded = foldAddress(address);
  const at = folded.lastIndexOf('@');
  return at >= 0 ? folded.slice(0, at) : folded;
}

/**
 * The key the per-sender cap counts under: the folded address with its plus-tag removed ("user+1@x" is user@x).
 * Sub-addressing lets one mailbox receive under endless names, so without this a sender could collect acks past the cap.
 */
export function senderCapKey(address: string): string {
  const folded = foldAddress(address);
  const at = folded.lastIndexOf('@');
  if (at < 0) return folded;
  const local = folded.slice(0, at);
  const plus = local.indexOf('+');
  return `${plus > 0 ? local.slice(0, plus) : local}${folded.slice(at)}`;
}

export function sameAddress(a: string, b: string): boolean {
  return foldAddress(a) === foldAddress(b);
}
