// Why an agent rejected a draft: one of a few kinds (what the knowledge-gap report and the article statistics group
// by) plus the agent's words, stored together as the draft's reject reason.
import { AppError } from '../errors.js';

export const REJECT_KINDS = ['Wrong article cited', 'Wrong or outdated facts', 'Tone or wording', 'Needs a person, not a template', 'Other'] as const;

export function rejectReason(kind: string, details: string): string {
  const words = details.trim().slice(0, 2000);
  if (!(REJECT_KINDS as readonly string[]).includes(kind)) throw new AppError('bad_request', 'Choose why the draft is rejected.');
  if (kind === 'Other') {
    if (!words) throw new AppError('bad_request', 'Say why the draft is rejected (the reason is "Other").');
    return words;
  }
  return words ? `${kind}: ${words}` : kind;
}
