// The SLA part of Admin → Mailbox: the policy in force per priority with where it comes from, the business hours it
// is counted in, and the form that saves a priority's own policy.
import { casePriorities } from '../../db/schema/cases.js';
import type { Mailbox as MailboxRow } from '../../db/schema/mailboxes.js';
import type { SlaInForce } from '../../mailboxes/sla-in-force.js';
import { CsrfField, ErrorSummary, TableWrap, Time } from '../components.js';
import type { Viewer } from '../env.js';
import type { SlaFormValues } from '../mailbox-form.js';

const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const fields = ['firstReplyMinutes', 'nextReplyMinutes', 'resolutionMinutes', 'reminderBeforeMinutes'] as const;

/** Business minutes as people read them: "4 h", "1 h 30 min", "45 min". */
export function duration(minutes: number): string {
  if (minutes === 0) return 'none';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ');
}

export function SlaSection(p: { viewer: Viewer; mailbox: MailboxRow; inForce: SlaInForce; values: SlaFormValues; errors?: Record<string, string> }) {
  const m = p.mailbox;
  const h = m.businessHours;
  const errors = p.errors ?? {};
  const source = (s: 'configuration' | 'saved', settings: string) => (s === 'configuration' ? `from the configuration (${settings})` : 'saved here');
  return (
    <section class="card" aria-labelledby="sla-h">
      <h2 id="sla-h">SLA policies</h2>
      <h3 id="sla-force-h">In force</h3>
      <p class="small" id="sla-hours">
        Counted in business hours: {h.days.map((d) => weekdays[d - 1]).join(' ')} {h.open}–{h.close}, time zone {m.timeZone}
        {h.holidays.length ? `, holidays ${h.holidays.join(', ')}` : ', no holidays'} — {source(p.inForce.hoursSource, 'TIME_ZONE, BUSINESS_DAYS, BUSINESS_OPEN, BUSINESS_CLOSE, HOLIDAYS')}.
        {' '}First reply {duration(m.firstReplyMinutes)} — {source(p.inForce.firstReplySource, 'FIRST_REPLY_MINUTES')}.
      </p>
      <TableWrap label="SLA policies in force">
        <table class="list sla-in-force">
          <thead><tr><th scope="col">Priority</th><th scope="col">First reply</th><th scope="col">Next reply</th><th scope="col">Resolution</th><th scope="col">Reminder before</th><th scope="col">Comes from</th></tr></thead>
          <tbody>
            {p.inForce.policies.map((x) => (
              <tr>
                <th scope="row">{x.priority}</th>
                <td>{duration(x.policy.firstReplyMinutes)}</td><td>{duration(x.policy.nextReplyMinutes)}</td>
                <td>{duration(x.policy.resolutionMinutes)}</td><td>{duration(x.policy.reminderBeforeMinutes)}</td>
                <td>{x.source === 'saved'
                  ? <>Saved here <Time value={x.updatedAt} /></>
                  : <span class="muted">Default: first reply {duration(m.firstReplyMinutes)} × {x.factor}, resolution 5 × first reply</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>

      <h3 id="sla-edit-h">Change a priority's policy</h3>
      <p class="muted small">In business minutes. Leave a row empty to use the default derived from the first-reply setting.</p>
      <ErrorSummary errors={{}} message={Object.keys(errors).length ? Object.values(errors).join(' ') : undefined} />
      <form method="post" action={`/app/admin/mailboxes/${m.id}/sla`} aria-labelledby="sla-edit-h">
        <CsrfField viewer={p.viewer} />
        <TableWrap label="SLA policies">
          <table class="list sla">
            <thead><tr><th scope="col">Priority</th><th scope="col">First reply</th><th scope="col">Next reply</th><th scope="col">Resolution</th><th scope="col">Reminder before</th></tr></thead>
            <tbody>
              {casePriorities.map((pr) => (
                <tr class={errors[pr] ? 'has-error' : undefined}>
                  <th scope="row">{pr}</th>
                  {fields.map((k) => (
                    <td>
                      <label class="visually-hidden" for={`sla-${pr}-${k}`}>{`${pr} ${k.replace('Minutes', '').replace(/([A-Z])/g, ' $1').toLowerCase()} minutes`}</label>
                      <input id={`sla-${pr}-${k}`} name={`${pr}.${k}`} value={p.values[pr]?.[k] ?? ''} inputmode="numeric" pattern="\d*" aria-invalid={errors[pr] ? 'true' : undefined} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        <button type="submit" class="primary">Save SLA policies</button>
      </form>
    </section>
  );
}
