// Small building blocks every page uses, so labels, hints and errors are wired the same accessible way everywhere.
import type { Child } from 'hono/jsx';
import { CSRF_FIELD } from './session-http.js';
import type { Viewer } from './env.js';

export function CsrfField({ viewer }: { viewer: Viewer }) {
  return <input type="hidden" name={CSRF_FIELD} value={viewer.csrf} />;
}

/** A one-button form posting to `action` (a row's action in a table): `label` is the visible text, `what` completes it for
 * screen readers ("Delete" + " Refund policy"), `confirm` asks first (app.js). */
export function ButtonForm(p: { viewer: Viewer; action: string; label: string; what?: string; confirm?: string; danger?: boolean }) {
  return (
    <form method="post" action={p.action} class="inline" data-confirm={p.confirm}>
      <CsrfField viewer={p.viewer} />
      <button type="submit" class={p.danger ? 'danger' : undefined}>{p.label}{p.what && <span class="visually-hidden"> {p.what}</span>}</button>
    </form>
  );
}

interface FieldProps {
  name: string;
  label: string;
  value?: string | null;
  error?: string;
  hint?: string;
  type?: string;
  required?: boolean;
  autocomplete?: string;
  maxlength?: number;
  pattern?: string;
  placeholder?: string;
  /** Renders a textarea of this many rows instead of an input. */
  rows?: number;
  id?: string;
  inputmode?: string;
  spellcheck?: boolean;
  attrs?: Record<string, string>;
}

/** A labelled input or textarea; hint and error are tied to it with aria-describedby. */
export function Field(p: FieldProps) {
  const id = p.id ?? `f-${p.name}`;
  const describedBy = [p.hint ? `${id}-hint` : '', p.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id, name: p.name, required: p.required, 'aria-invalid': p.error ? 'true' : undefined, 'aria-describedby': describedBy,
    maxlength: p.maxlength, placeholder: p.placeholder, autocomplete: p.autocomplete, spellcheck: p.spellcheck, ...p.attrs,
  };
  return (
    <div class={`field${p.error ? ' has-error' : ''}`}>
      {/* Required fields carry `required` (announced, and checked by the browser); optional ones say so in their hint. */}
      <label for={id}>{p.label}</label>
      {p.hint && <p class="hint" id={`${id}-hint`}>{p.hint}</p>}
      {p.error && <p class="error-text" id={`${id}-error`}>{p.error}</p>}
      {p.rows ? (
        <textarea {...common} rows={p.rows}>{p.value ?? ''}</textarea>
      ) : (
        <input {...common} type={p.type ?? 'text'} value={p.value ?? ''} pattern={p.pattern} inputmode={p.inputmode as never} />
      )}
    </div>
  );
}

export function Select(p: { name: string; label: string; options: { value: string; label: string }[]; value?: string; id?: string; hideLabel?: boolean }) {
  const id = p.id ?? `f-${p.name}`;
  return (
    <div class="field">
      <label for={id} class={p.hideLabel ? 'visually-hidden' : undefined}>{p.label}</label>
      <select id={id} name={p.name}>
        {p.options.map((o) => <option value={o.value} selected={o.value === p.value}>{o.label}</option>)}
      </select>
    </div>
  );
}

/** Listed at the top of a form after a failed submit; each entry links to its field. Focused by app.js. */
export function ErrorSummary({ errors, message }: { errors: Record<string, string>; message?: string }) {
  const entries = Object.entries(errors);
  if (entries.length === 0 && !message) return null;
  return (
    <div class="error-summary" role="alert" tabindex={-1} data-focus-on-load>
      <h2>There is a problem</h2>
      {message && <p>{message}</p>}
      {entries.length > 0 && (
        <ul>
          {entries.map(([name, text]) => (
            <li><a href={`#f-${name}`}>{`${name}: ${text}`}</a></li>
          ))}
        </ul>
      )}
    </div>
  );
}

const notices: Record<string, string> = {
  created: 'Article created.',
  saved: 'Changes saved.',
  unchanged: 'Nothing changed, so no new version was written.',
  published: 'Article published.',
  archived: 'Article archived.',
  'gap-accepted': 'Draft created from the knowledge gap; the gap is marked accepted. Publish it when it is ready.',
  'gap-merged': 'The gap’s example questions were added to this article as a new version; the gap is marked merged.',
  'gap-dismissed': 'Gap dismissed: it leaves this list, and similar new questions join it quietly.',
  'user-created': 'User created.',
  'role-changed': 'Role changed.',
  disabled: 'User disabled; their sessions have ended.',
  enabled: 'User enabled.',
  revoked: 'Token revoked.',
  'signed-out': 'You have signed out.',
  claimed: 'You hold this case now.',
  released: 'Case released: others may take it.',
  'draft-saved': 'Draft saved.',
  sent: 'Reply approved: it is on its way to the customer.',
  'draft-rejected': 'Draft rejected.',
  'note-added': 'Note added. Only agents see it.',
  merged: 'Cases merged: the other case’s messages, notes and the deadline still owed are here now. Nothing was sent to the customer.',
  'saved-reply-saved': 'Saved reply added.',
  'saved-reply-deleted': 'Saved reply deleted.',
  'saved-reply-inserted': 'Saved reply inserted into the draft.',
  escalated: 'Case escalated.',
  resolved: 'Case resolved.',
  reopened: 'Case reopened.',
  triaged: 'Priority and category saved.',
  labelled: 'Thank you: the matcher learns from it, and the question is counted for the mailbox’s threshold.',
  'queue-empty': 'No case is waiting for someone to take it.',
  'taken-meanwhile': 'Someone took that case at the same moment. Try again.',
  'view-saved': 'View saved: it is listed under My views.',
  'view-deleted': 'View deleted.',
  'mailbox-saved': 'Mailbox settings saved.',
  'sla-saved': 'SLA policy saved.',
  'rules-saved': 'Escalation rules saved. They apply from the next message.',
  'reset-sent': 'A password reset link is on its way to that user. It works once, within an hour.',
  'password-reset': 'Your password is changed and every session of yours has ended. Sign in with the new one.',
};

/** Confirmation after a redirect; only known codes are shown, so a link cannot put arbitrary text on our page. */
export function Notice({ code }: { code?: string }) {
  const text = code ? notices[code] : undefined;
  if (!text) return null;
  return <p class="notice" role="status">{text}</p>;
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge badge-${status}`}>{status}</span>;
}

export function TableWrap({ label, children }: { label: string; children?: Child }) {
  // A focusable, labelled region lets keyboard users scroll wide tables on small screens.
  return <div class="table-wrap" role="region" aria-label={label} tabindex={0}>{children}</div>;
}

export function formatTime(d: Date | null | undefined): string {
  if (!d) return '—';
  return d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

export function Time({ value }: { value: Date | null | undefined }) {
  if (!value) return <span>—</span>;
  return <time datetime={value.toISOString()}>{formatTime(value)}</time>;
}
