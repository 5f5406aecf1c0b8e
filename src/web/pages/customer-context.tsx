// The case page's "Customer" card: who writes, their other cases (any mailbox), and the offer to merge a case that
// asks the same thing again (src/cases/customer-cases.ts decides; src/review/merge-cases.ts merges).
import type { CustomerContext } from '../../cases/customer-cases.js';
import type { Case } from '../../db/schema/cases.js';
import { CsrfField, Field, StatusBadge, Time } from '../components.js';
import type { Viewer } from '../env.js';

export interface CustomerCardProps {
  viewer: Viewer;
  kase: Pick<Case, 'id' | 'reference' | 'status' | 'mailboxId' | 'customerAddress' | 'customerName'>;
  context: CustomerContext;
  mailboxNames: Map<number, string>;
}

function MergeOffer({ viewer, kase, offer }: { viewer: Viewer; kase: CustomerCardProps['kase']; offer: CustomerContext['suggestions'][number] }) {
  const fromHere = offer.source.id === kase.id;
  return (
    <div class="merge-offer notice">
      <p><strong>Same question again?</strong> {fromHere ? <>This case and <code>{offer.target.reference}</code></> : <><code>{offer.source.reference}</code> and this case</>}: {offer.reason}.</p>
      <form method="post" action={`/app/cases/${offer.source.id}/merge`} class="inline">
        <CsrfField viewer={viewer} />
        <input type="hidden" name="into" value={offer.target.reference} />
        <button type="submit" class="primary">{fromHere ? `Merge into ${offer.target.reference}` : `Merge ${offer.source.reference} into this case`}</button>
      </form>
      <p class="small">The newer case’s messages, notes and the reply deadline still owed move to the older one; nothing is sent to the customer.</p>
    </div>
  );
}

export function CustomerCard({ viewer, kase, context, mailboxNames }: CustomerCardProps) {
  return (
    <section class="card customer-context" aria-labelledby="customer-h">
      <h2 id="customer-h">Customer</h2>
      <p>{kase.customerName ? <>{kase.customerName} <span class="muted">&lt;{kase.customerAddress}&gt;</span></> : kase.customerAddress}</p>
      {context.mergedInto && (
        <p class="notice warn">This case was merged into <a href={`/app/cases/${context.mergedInto.id}`}><code>{context.mergedInto.reference}</code></a>: its messages are there, and mail on its thread goes there.</p>
      )}
      {kase.status !== 'merged' && context.suggestions.map((offer) => <MergeOffer viewer={viewer} kase={kase} offer={offer} />)}
      <h3 id="other-cases-h">Other cases</h3>
      {context.others.length === 0 ? <p class="muted">No other cases from this customer.</p> : (
        <ul class="other-cases" aria-labelledby="other-cases-h">
          {context.others.map((o) => (
            <li>
              <a href={`/app/cases/${o.id}`}><code>{o.reference}</code> {o.subject || '(no subject)'}</a> <StatusBadge status={o.status} />
              <div class="small muted">
                opened <Time value={o.createdAt} />
                {o.mailboxId !== kase.mailboxId && <> · mailbox {mailboxNames.get(o.mailboxId) ?? o.mailboxId}</>}
                {o.sameQuestion && <> · <strong>same question</strong></>}
              </div>
            </li>
          ))}
        </ul>
      )}
      {kase.status !== 'merged' && (
        <form method="post" action={`/app/cases/${kase.id}/merge`} class="stack-tight merge-form">
          <CsrfField viewer={viewer} />
          <Field name="into" id="merge-into" label="Merge this case into" maxlength={64} required
            hint="The reference of another case of this customer in the same mailbox, e.g. FR-7K3Q9X." />
          <div><button type="submit">Merge</button></div>
        </form>
      )}
    </section>
  );
}
