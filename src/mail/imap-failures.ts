// Why an IMAP session failed, in the three kinds an operator acts on differently: a refused login (fix the
// credentials; retrying never helps), the network (usually heals by itself), anything else (read lastError).
export type ImapFailureKind = 'auth' | 'network' | 'other';

/** Socket, DNS and TLS-transport codes from Node, and imapflow's codes for a lost or silent connection. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH',
  'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL',
  'NoConnection', 'EConnectionClosed', 'ClosedAfterConnectText', 'ClosedAfterConnectTLS',
  'CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT', 'ETIMEOUT',
]);

export function failureKind(err: unknown): ImapFailureKind {
  const e = (err ?? {}) as { authenticationFailed?: unknown; serverResponseCode?: unknown; responseText?: unknown; code?: unknown };
  // imapflow sets authenticationFailed when the server answered LOGIN/AUTHENTICATE with NO or BAD (RFC 5530's
  // [AUTHENTICATIONFAILED] code where the server sends it); a connection lost during login is not a refusal.
  if (e.authenticationFailed === true || e.serverResponseCode === 'AUTHENTICATIONFAILED') return 'auth';
  if (typeof e.responseText === 'string' && /\[AUTHENTICATIONFAILED\]/i.test(e.responseText)) return 'auth';
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return 'network';
  return 'other';
}
