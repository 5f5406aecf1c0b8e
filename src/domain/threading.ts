/**
 * Which case a reply continues, decided from what its headers and subject name. The evidence is ranked by how
 * directly it points at one message: In-Reply-To names the message answered; a case reference the customer kept
 * in the subject names the case; References is the whole ancestry, oldest first, and a client may have started it
 * in another conversation (a forward, a reply to an old thread with a new question), so it only decides when the
 * first two say nothing, newest entry first.
 */
export interface ThreadEvidence {
  inReplyTo: string | null;
  references: string[];
  /** the case reference found in the subject, if any */
  subjectReference: string | null;
}

export interface ThreadCandidate {
  caseId: string;
  reference: string;
  /** the case belongs to this message's sender: only then may a subject reference alone join it */
  ownCustomer: boolean;
}

export type ThreadReason = 'in_reply_to' | 'subject_reference' | 'references';

/**
 * `caseOfMessage` maps a Message-ID we know (one we sent, or one the customer sent before) to its case; `candidates`
 * holds every case those messages belong to plus the case the subject reference names, if it exists.
 */
export function chooseThread(
  evidence: ThreadEvidence,
  caseOfMessage: ReadonlyMap<string, string>,
  candidates: readonly ThreadCandidate[],
): { caseId: string; reason: ThreadReason } | null {
  const byId = new Map(candidates.map((c) => [c.caseId, c]));
  const known = (messageId: string | null) => {
    const caseId = messageId ? caseOfMessage.get(messageId) : undefined;
    return caseId && byId.has(caseId) ? caseId : null;
  };
  const answered = known(evidence.inReplyTo);
  if (answered) return { caseId: answered, reason: 'in_reply_to' };
  if (evidence.subjectReference) {
    const named = candidates.find((c) => c.reference === evidence.subjectReference);
    // a stranger cannot join someone else's case by typing its reference, unless the headers show they were in it
    const headerNamed = named && [evidence.inReplyTo, ...evidence.references].some((m) => known(m) === named.caseId);
    if (named && (named.ownCustomer || headerNamed)) return { caseId: named.caseId, reason: 'subject_reference' };
  }
  for (const messageId of [...evidence.references].reverse()) {
    const caseId = known(messageId);
    if (caseId) return { caseId, reason: 'references' };
  }
  return null;
}
