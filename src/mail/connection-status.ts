/** One mail connection's state, as /health reports it (IMAP watchers, the DNS canary). */
export interface MailConnectionStatus {
  name: string;
  /** 'imap' for a watched mailbox */
  kind?: string;
  connected: boolean;
  lastError?: string;
  consecutiveFailures?: number;
  /** the server refused the login: only fixing the credentials helps */
  authFailed?: boolean;
  /** ISO times: when the current run of failures began, and when the next attempt is due */
  failingSince?: string | null;
  nextRetryAt?: string | null;
  /** a sentence for /health written by the part itself (the DNS canary), used as it is while not connected */
  alert?: string;
}
