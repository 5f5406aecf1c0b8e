import type { caseDetail } from '../../review/inbox.js';
import type { AttachmentInfo } from '../attachments.js';
import { casePriorities } from '../../db/schema/cases.js';
import { articleHref } from './kb-article.js';
import { CsrfField, ErrorSummary, Field, Notice, Select, StatusBadge, TableWrap, Time } from '../components.js';
import type { Viewer } from '../env.js';
import { Layout } from '../layout.js';
import { Urgency, urgencyOf } from './inbox.js';
import { auditInWords } from '../history-words.js';
import { REJECT_KINDS } from '../reject-reason.js';
import { CustomerCard } from './customer-context.js';

export type CaseDetail = Awaited<ReturnType<typeof caseDetail>>;
export interface MessageExtra { hasHtml: boolean; senderAuth: Record<string, unknown> | null; fromName: string | null }

export interface CasePageProps {
  viewer: Viewer;
  detail: CaseDetail;
  extras: Map<string, MessageExtra>;
  attachments: Map<string, AttachmentInfo[] | 'unavailable'>;
  viewers: { id: string; name: string }[];
  now: Date;
  mark: string;
  mailbox?: string;
  notice?: string;
  error?: string;
  /** what the agent typed, shown again after a refused action */
  draftBody?: string;
  /** message ids whose remote images the agent asked to see */
  remoteImages: Set<string>;
  /** saved replies in the case's language, to insert into the draft */
  savedReplies?: { id: number; title: string }[];
  /** mailbox names, for the customer's cases in other mailboxes */
  mailboxNames?: Map<number, string>;
}

const bytes = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} B`);
const percent = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${Math.round(x * 100)}%`);

const actionLabels: Record<string, string> = {
  claimed: 'claimed the case', released: 'released the case', draft_edited: 'edited the draft', reply_approved: 'approved and sent the reply',
  reply_auto_sent: 'sent the reply automatically', draft_rejected: 'rejected the draft', escalated: 'escalated', resolved: 'resolved the case',
  reopened: 'reopened the case', triaged: 'changed priority or category', match_labelled: 'said which article answers the question',
  note_added: 'added an internal note', merged_into: 'merged this case into another', merged_from: 'merged another case into this one',
};

/** Agents' notes to each other: on the page for agents only, never in any mail. */
function InternalNotes({ notes, base, viewer }: { notes: CaseDetail['notes']; base: string; viewer: Viewer }) {
  return (
    <section class="card notes" aria-labelledby="notes-h">
      <h2 id="notes-h">Internal notes</h2>
      <p class="small muted">Only agents see these. They are never sent to the customer.</p>
      {notes.length === 0 ? <p class="muted">No notes yet.</p> : (
        <ol class="note-list">
          {notes.map((n) => (
            <li class="note" id={`note-${n.id}`}>
              <p class="small"><strong>{n.authorName}</strong> <span class="muted">· <Time value={n.createdAt} /></span></p>
              <p class="note-body">{n.body}</p>
            </li>
          ))}
        </ol>
      )}
      <form method="post" action={`${base}/notes`} class="stack-tight">
        <CsrfField viewer={viewer} />
        <Field name="note" id="note-body" label="Add a note for other agents" rows={3} required maxlength={5000} />
        <div><button type="submit">Add note</button></div>
      </form>
    </section>
  );
}

/** The agent's label for the question: it teaches the matcher and re-fits the mailbox's threshold (kb/labels.ts). */
function LabelForms({ caseId, viewer, ranked }: { caseId: string; viewer: Viewer; ranked: { articleId: string; title: string }[] }) {
  const action = `/app/cases/${encodeURIComponent(caseId)}/label`;
  return (
    <div class="label-forms">
      <form method="post" action={action} class="inline">
        <CsrfField viewer={viewer} />
        <label for="label-article">The right article is</label>{' '}
        <select name="articleId" id="label-article" required>
          {ranked.map((r) => <option value={r.articleId}>{r.title}</option>)}
        </select>{' '}
        <button type="submit">Teach the matcher</button>
      </form>
      <form method="post" action={action} class="inline">
        <CsrfField viewer={viewer} />
        <input type="hidden" name="articleId" value="" />
        <button type="submit" class="secondary">No article answers this</button>
      </form>
    </div>
  );
}

function SenderAuth({ verdict }: { verdict: Record<string, unknown> | null }) {
  if (!verdict) return <span class="muted">not checked</span>;
  const parts = ['spf', 'dkim', 'dmarc'].map((k) => `${k.toUpperCase()} ${String(verdict[k] ?? 'unknown')}`).join(' · ');
  return (
    <span class={verdict.acknowledge === false ? 'auth-fail' : undefined}>
      {parts}{typeof verdict.reason === 'string' && <> — {verdict.reason}</>}
    </span>
  );
}

export function CasePage(p: CasePageProps) {
  const k = p.detail.case;
  const held = k.assigneeId && k.claimExpiresAt && k.claimExpiresAt > p.now;
  const mine = held && k.assigneeId === p.viewer.id;
  const draft = p.detail.draft;
  const open = draft && ['proposed', 'edited'].includes(draft.status);
  const others = p.viewers.filter((v) => v.id !== p.viewer.id).map((v) => v.name);
  const match = p.detail.matches[0];
  const base = `/app/cases/${k.id}`;
  const urgency = urgencyOf(k, p.now);
  const titles = new Map([...p.detail.matches.flatMap((m) => m.ranked), ...p.detail.drafts.flatMap((d) => d.citations)].map((a) => [a.articleId, a.title]));
  const titleOf = (id: string) => titles.get(id);
  return (
    <Layout title={`${k.reference} ${k.subject}`} viewer={p.viewer} area="inbox">
      <p class="breadcrumb"><a href="/app/inbox">Inbox</a> / <code>{k.reference}</code></p>
      <div data-live="case" data-case={k.id} data-mark={p.mark}>
        <h1>{k.subject || '(no subject)'} <StatusBadge status={k.status} /></h1>
        <Notice code={p.notice} />
        <ErrorSummary errors={{}} message={p.error} />
        <p class="notice warn" id="case-changed" role="status" hidden>
          This case changed since you opened it. <a href={base}>Reload to see the latest</a> (copy any unsaved text first).
        </p>
        <div class="case-columns">
          <div class="case-main">
            <dl class="meta">
              <div><dt>Customer</dt><dd>{k.customerName ? `${k.customerName} <${k.customerAddress}>` : k.customerAddress}</dd></div>
              <div><dt>{urgency.deadline?.kind === 'next_reply' ? 'Next reply' : 'First reply'}</dt><dd><Urgency k={k} now={p.now} /> {urgency.left} {urgency.deadline && <span class="small muted">(due <Time value={urgency.deadline.dueAt} />)</span>}</dd></div>
              <div><dt>Priority / category</dt><dd><span class={`prio prio-${k.priority}`}>{k.priority}</span> · {k.category ?? <span class="muted">no category</span>}</dd></div>
              <div><dt>Language · mailbox</dt><dd>{k.language}{p.mailbox && <> · {p.mailbox}</>}</dd></div>
              <div><dt>Held by</dt><dd id="holder">{held ? <>{mine ? 'You' : k.assigneeName} <span class="small muted">until <Time value={k.claimExpiresAt} /></span></> : <span class="muted">nobody</span>}</dd></div>
              <div><dt>Also viewing</dt><dd id="viewers" aria-live="polite">{others.length ? others.join(', ') : <span class="muted">nobody else</span>}</dd></div>
            </dl>

            <section aria-labelledby="conv-h">
              <h2 id="conv-h">Conversation</h2>
              {p.detail.messages.length === 0 && <p class="muted">{k.status === 'merged' ? 'The messages moved to the case this one was merged into.' : 'No messages.'}</p>}
              {p.detail.messages.map((m) => {
                const extra = p.extras.get(m.id);
                const atts = p.attachments.get(m.id);
                const images = p.remoteImages.has(m.id);
                return (
                  <article class="message card" id={`m-${m.id}`} aria-labelledby={`m-${m.id}-h`}>
                    <h3 id={`m-${m.id}-h`}>{extra?.fromName ? `${extra.fromName} <${m.fromAddress}>` : m.fromAddress} <span class="small muted">· <Time value={m.receivedAt} /></span></h3>
                    <p class="small">
                      <strong>Sender authentication:</strong> <SenderAuth verdict={extra?.senderAuth ?? null} />
                      {m.flags.length > 0 && <> · <strong>Flags:</strong> {m.flags.join(', ')}</>}
                    </p>
                    {extra?.hasHtml ? (
                      <>
                        <iframe class="mail-frame" title={`Email from ${m.fromAddress ?? 'the customer'}`} sandbox="allow-popups allow-popups-to-escape-sandbox"
                          referrerpolicy="no-referrer" src={`/app/messages/${m.id}/html${images ? '?images=1' : ''}`} data-frame={m.id}></iframe>
                        {!images && (
                          <p class="small">
                            Remote images are blocked (they tell the sender you opened the mail).{' '}
                            <a class="button" href={`${base}?images=${m.id}#m-${m.id}`} data-remote-images={m.id}>Show remote images</a>
                          </p>
                        )}
                      </>
                    ) : (
                      <pre class="mail-text">{m.textBody ?? '(no text)'}</pre>
                    )}
                    {atts === 'unavailable' && <p class="small muted">Attachments could not be read.</p>}
                    {Array.isArray(atts) && atts.length > 0 && (
                      <>
                        <h4>Attachments</h4>
                        <ul class="attachments">
                          {atts.map((a) => {
                            const href = `/app/messages/${m.id}/attachments/${a.index}`;
                            return (
                              <li>
                                <a href={href} download={a.filename}>{a.filename}</a> <span class="muted small">({a.contentType}, {bytes(a.size)})</span>
                                {a.previewable && <div><img class="attachment-preview" src={`${href}/preview`} alt={`Preview of ${a.filename}`} loading="lazy" /></div>}
                              </li>
                            );
                          })}
                        </ul>
                      </>
                    )}
                  </article>
                );
              })}
              {p.detail.outbox.length > 0 && (
                <>
                  <h3>Sent by us</h3>
                  {p.detail.outbox.map((o) => (
                    <details class="card outgoing">
                      <summary>{o.kind === 'acknowledgement' ? 'Acknowledgement' : o.kind} to {o.toAddress} — {o.status} <span class="small muted"><Time value={o.sentAt ?? o.createdAt} /></span>{o.approvedBy && <> · approved by {o.approvedBy}</>}</summary>
                      <pre class="mail-text">{o.textBody}</pre>
                    </details>
                  ))}
                </>
              )}
            </section>

            <InternalNotes notes={p.detail.notes} base={base} viewer={p.viewer} />

            <section aria-labelledby="guard-h">
              <h2 id="guard-h">Decisions</h2>
              {k.escalationReasons.length > 0 && (
                <ul>{k.escalationReasons.map((r) => <li><strong>Escalated:</strong> {r.detail} <span class="small muted"><Time value={new Date(r.at)} /></span></li>)}</ul>
              )}
              <ul class="events">
                {p.detail.events.map((e) => (
                  <li><Time value={e.createdAt} /> — {e.type.replace(/_/g, ' ')}{e.explanation && <>: {e.explanation}</>}</li>
                ))}
              </ul>
            </section>

            <section aria-labelledby="audit-h">
              <h2 id="audit-h">History</h2>
              {p.detail.audit.length === 0 ? <p class="muted">Nobody has acted on this case yet.</p> : (
                <TableWrap label="History">
                  <table class="list">
                    <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Details</th></tr></thead>
                    <tbody>
                      {p.detail.audit.map((a) => (
                        <tr><td><Time value={a.at} /></td><td>{a.actorName}</td><td>{actionLabels[a.action] ?? a.action}</td><td class="small">{a.action === 'note_added' ? <a href={`#note-${String(a.after?.noteId ?? '')}`}>the note</a> : auditInWords(a, titleOf)}</td></tr>
                      ))}
                    </tbody>
                  </table>
                </TableWrap>
              )}
            </section>
          </div>
          <div class="case-side">
            <CustomerCard viewer={p.viewer} kase={k} context={p.detail.customer} mailboxNames={p.mailboxNames ?? new Map()} />
            {k.status !== 'merged' && <section class="card actions-card" aria-labelledby="actions-h">
              <h2 id="actions-h" class="visually-hidden">Actions</h2>
              <div class="actions">
                {mine ? (
                  <form method="post" action={`${base}/release`} class="inline"><CsrfField viewer={p.viewer} /><button type="submit">Release</button></form>
                ) : (
                  <form method="post" action={`${base}/claim`} class="inline"><CsrfField viewer={p.viewer} /><button type="submit" class="primary">Claim</button></form>
                )}
                {k.status === 'resolved' ? (
                  <form method="post" action={`${base}/reopen`} class="inline"><CsrfField viewer={p.viewer} /><button type="submit">Reopen</button></form>
                ) : (
                  <form method="post" action={`${base}/resolve`} class="inline"><CsrfField viewer={p.viewer} /><button type="submit">Resolve</button></form>
                )}
              </div>
              <div class="grid-2">
                <form method="post" action={`${base}/triage`} class="stack-tight">
                  <CsrfField viewer={p.viewer} />
                  <Select name="priority" label="Priority" value={k.priority} options={casePriorities.map((x) => ({ value: x, label: x }))} />
                  <Field name="category" label="Category" value={k.category} maxlength={100} hint="Optional. Empty removes the category." />
                  <button type="submit">Change priority and category</button>
                </form>
                <form method="post" action={`${base}/escalate`} class="stack-tight">
                  <CsrfField viewer={p.viewer} />
                  <Field name="reason" id="escalate-reason" label="Escalation reason" required maxlength={2000} />
                  <Field name="team" id="escalate-team" label="Team" maxlength={100} hint="Optional, e.g. billing or legal." />
                  <button type="submit" class="danger">Escalate</button>
                </form>
              </div>
            </section>}

            <section aria-labelledby="draft-h">
              <h2 id="draft-h">Draft reply</h2>
              {!draft && <p class="muted">{k.status === 'merged' ? 'Drafts moved with the messages.' : `No draft yet${p.detail.drafts.length ? ' (the last one was decided)' : ' (it is being written)'}.`}</p>}
              {draft && draft.status === 'pending' && <p class="muted">The draft is being written…</p>}
              {draft && open && (
                <>
                  <p class="small">
                    Status <strong>{draft.status}</strong> · confidence <strong>{percent(draft.confidence)}</strong>
                    {draft.unsupportedSentences > 0 && <> · <strong class="auth-fail">{draft.unsupportedSentences} answer sentence(s) without a source</strong></>}
                    {draft.injectionSuspected && <> · <strong class="auth-fail">the customer's text looked like instructions to the assistant</strong></>}
                    {draft.autoSend && <> · auto-send ({draft.autoSend.mode}): {draft.autoSend.wouldSend ? 'would send' : `would not send (${draft.autoSend.blockers.join(', ')})`}</>}
                  </p>
                  <TableWrap label="Draft sentences and their sources">
                    <table class="list sentences">
                      <thead><tr><th scope="col">Sentence</th><th scope="col">Supported by</th></tr></thead>
                      <tbody>
                        {draft.sentences.map((s) => (
                          <tr class={s.kind === 'answer' && s.citations.length === 0 ? 'unsupported' : undefined}>
                            <td>{s.text}{s.kind && s.kind !== 'answer' && <span class="small muted"> ({s.kind})</span>}</td>
                            <td>
                              {s.citations.length === 0 ? (s.kind === 'answer' ? <strong class="auth-fail">no source</strong> : <span class="muted">—</span>) : (
                                <ul class="cites">
                                  {s.citations.map((c) => {
                                    const meta = draft.citations.find((x) => x.articleId === c.articleId);
                                    return <li><a href={articleHref(c.articleId)}>{meta?.title ?? c.articleId}</a> <span class="small muted">v{c.version}</span></li>;
                                  })}
                                </ul>
                              )}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </TableWrap>
                  {!mine && <p class="small muted">Claim the case to edit, send or reject the draft.</p>}
                  <form method="post" action={`${base}/draft`} class="stack">
                    <CsrfField viewer={p.viewer} />
                    <Field name="body" id="draft-body" label="Reply" rows={12} value={p.draftBody ?? draft.body ?? ''} required maxlength={100000} />
                    <div class="actions">
                      <button type="submit">Save draft</button>
                      <button type="submit" class="primary" formaction={`${base}/approve`}>Approve and send</button>
                    </div>
                    {(p.savedReplies?.length ?? 0) > 0 && (
                      <div class="inline saved-reply-insert">
                        <label for="saved-reply">Saved reply</label>{' '}
                        <select name="savedReplyId" id="saved-reply">{p.savedReplies!.map((r) => <option value={String(r.id)}>{r.title}</option>)}</select>{' '}
                        <button type="submit" formaction={`${base}/saved-reply`} formnovalidate>Insert into the draft</button>
                      </div>
                    )}
                  </form>
                  <form method="post" action={`${base}/reject`} class="stack-tight reject-form">
                    <CsrfField viewer={p.viewer} />
                    <fieldset>
                      <legend>Why reject the draft?</legend>
                      <div class="checks">
                        {REJECT_KINDS.map((kind) => <label><input type="radio" name="reasonKind" value={kind} required /> {kind}</label>)}
                      </div>
                    </fieldset>
                    <Field name="reason" id="reject-reason" label="Details" rows={2} maxlength={2000} hint="Optional, except for Other. Kept in the history." />
                    <div><button type="submit" class="danger">Reject draft</button></div>
                  </form>
                </>
              )}
            </section>

            <section aria-labelledby="matches-h">
              <h2 id="matches-h">Matched articles</h2>
              {!match ? <p class="muted">No knowledge-base match was recorded.</p> : (
                <>
                  <p class="small">Confidence {percent(match.confidence)} against threshold {percent(match.threshold)}{match.escalate ? ' — below the threshold: no article suggested' : ''}.</p>
                  <TableWrap label="Matched articles">
                    <table class="list">
                      <thead><tr><th scope="col">Article</th><th scope="col">Score</th><th scope="col">Contributions</th></tr></thead>
                      <tbody>
                        {match.ranked.map((r) => (
                          <tr>
                            <td><a href={articleHref(r.articleId)}>{r.title}</a> <span class="small muted">v{r.version}</span></td>
                            <td>{r.score.toFixed(3)}</td>
                            <td class="small">{Object.entries(r.contributions).map(([s, v]) => `${s} ${v.toFixed(3)}`).join(' · ')}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </TableWrap>
                  <LabelForms caseId={k.id} viewer={p.viewer} ranked={match.ranked} />
                </>
              )}
            </section>
          </div>
        </div>
      </div>
    </Layout>
  );
}
