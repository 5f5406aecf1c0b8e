import { randomBytes } from 'node:crypto';

/** Our own Message-IDs: unique, stable once written to the outbox, and recognisable when they come back. */
export function newMessageId(kind: string, reference: string, domain: string): string {
  return `${kind}.${reference}.${randomBytes(6).toString('hex')}@${domain}`;
}

/** In-Reply-To/References answering a customer's message, so every mail client threads our mail under theirs. */
export function threadHeaders(customerMessageId: string | null, customerReferences: readonly string[]): Record<string, string> {
  if (!customerMessageId) return {};
  return {
    'In-Reply-To': `<${customerMessageId}>`,
    References: [...customerReferences.slice(-20), customerMessageId].map((id) => `<${id}>`).join(' '),
  };
}
