import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { isTimeZone } from './domain/time-zone.js';

const port = z.coerce.number().int().min(0).max(65535);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const urlOf = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`)
    .refine(validEscapes, 'expected %-escapes of two hex digits (like %40 for @) in the user name, password and path');

/** The user name, password and path are %-decoded where used (IMAP login, mailbox name): a bad escape fails here. */
function validEscapes(v: string): boolean {
  if (!URL.canParse(v)) return true; // not a URL at all: the first check says so
  const u = new URL(v);
  try {
    for (const part of [u.username, u.password, u.pathname]) decodeURIComponent(part);
    return true;
  } catch {
    return false;
  }
}

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: urlOf(['postgres:', 'postgresql:']).optional(),
  // Connections per process to DATABASE_URL. 1 for PGlite's socket server, which runs one session.
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  // Named prepared statements on DATABASE_URL (default: yes, unless the server is PGlite). false behind a pooler in
  // transaction mode that cannot keep them (PgBouncer before 1.21, or without max_prepared_statements).
  DATABASE_PREPARED_STATEMENTS: bool.optional(),
  PORT: port.default(3000),
  HOST: z.string().default('127.0.0.1'),
  // Where customers reach this service's public pages (help centre links in acknowledgements); no trailing slash.
  // Unset: http://HOST:PORT (see publicBaseUrl), right only when customers can reach that address.
  PUBLIC_BASE_URL: urlOf(['http:', 'https:']).transform((v) => v.replace(/\/+$/, '')).optional(),
  INBOUND_SMTP_PORT: port.default(2525),
  INBOUND_SMTP_HOST: z.string().default('127.0.0.1'),
  INBOUND_SMTP_ENABLED: bool.default(true),
  // Abuse limits: request bodies, the inbound webhook's rate, SMTP connections, HSTS behind HTTPS.
  API_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
  INBOUND_RATE_PER_SECOND: z.coerce.number().positive().default(50),
  INBOUND_RATE_BURST: z.coerce.number().int().positive().default(200),
  INBOUND_SMTP_MAX_CLIENTS: z.coerce.number().int().positive().default(100),
  INBOUND_SMTP_MAX_CLIENTS_PER_IP: z.coerce.number().int().positive().default(20),
  // SMTP DATA held in memory at once (a message is kept whole until stored): per client address, and for everyone.
  INBOUND_SMTP_MAX_BYTES_IN_FLIGHT_PER_IP: z.coerce.number().int().positive().default(64 * 1024 * 1024),
  INBOUND_SMTP_MAX_BYTES_IN_FLIGHT: z.coerce.number().int().positive().default(256 * 1024 * 1024),
  HSTS_MAX_AGE_SECONDS: z.coerce.number().int().nonnegative().default(180 * 24 * 3600),
  INBOUND_TOKEN: z.string().min(16, 'expected a secret of at least 16 characters').optional(),
  API_TOKEN: z.string().min(16, 'expected a secret of at least 16 characters').optional(),
  IMAP_URL: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []))
    .pipe(z.array(urlOf(['imap:', 'imaps:']))),
  SMTP_URL: urlOf(['smtp:', 'smtps:']).optional(),
  SUPPORT_ADDRESS: z.string().email().default('support@firstreply.local'),
  SUPPORT_NAME: z.string().default('Support'),
  MESSAGE_ID_DOMAIN: z.string().regex(/^[a-z0-9.-]+$/i, 'expected a domain name like support.example.com').optional(),
  TIME_ZONE: z.string().refine(isTimeZone, 'expected an IANA time zone like Europe/Berlin').default('UTC'),
  BUSINESS_DAYS: z
    .string()
    .regex(/^[1-7](,[1-7])*$/, 'expected ISO weekdays 1-7 separated by commas, like 1,2,3,4,5')
    .default('1,2,3,4,5')
    .transform((v) => v.split(',').map(Number)),
  BUSINESS_OPEN: z.string().regex(/^\d\d:\d\d$/, 'expected a time like 09:00').default('09:00'),
  BUSINESS_CLOSE: z.string().regex(/^\d\d:\d\d$/, 'expected a time like 17:00').default('17:00'),
  HOLIDAYS: z
    .string()
    .regex(/^(\d{4}-\d\d-\d\d(,\d{4}-\d\d-\d\d)*)?$/, 'expected dates like 2026-12-25,2026-12-26')
    .default('')
    .transform((v) => (v ? v.split(',') : [])),
  FIRST_REPLY_MINUTES: z.coerce.number().int().positive().default(240),
  // Mail written longer ago than this (a first IMAP sync of an old mailbox) is stored but not acknowledged.
  MAX_MESSAGE_AGE_HOURS: z.coerce.number().int().positive().default(168),
  MAX_ACKS_PER_SENDER_24H: z.coerce.number().int().nonnegative().default(5),
  MAX_MESSAGE_BYTES: z.coerce.number().int().positive().default(64 * 1024 * 1024),
  MAX_PARSE_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  MAX_MIME_PARTS: z.coerce.number().int().positive().default(200),
  MAX_HEADER_BYTES: z.coerce.number().int().positive().default(256 * 1024),
  MAX_HTML_BYTES: z.coerce.number().int().positive().default(2 * 1024 * 1024),
  RAW_FILE_THRESHOLD_BYTES: z.coerce.number().int().nonnegative().default(1024 * 1024),
  PARSE_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().positive().default(8),
  OUTBOX_LEASE_SECONDS: z.coerce.number().int().positive().default(120),
  OUTBOX_RETRY_BASE_MS: z.coerce.number().int().positive().default(5000),
  // The job queue (pg-boss) and the leases that let several worker processes share one database.
  WORKER_NAME: z.string().min(1).max(200).optional(),
  PIPELINE_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(20),
  PIPELINE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  PIPELINE_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
  PIPELINE_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).default(2),
  PIPELINE_JOB_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  QUEUE_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(1),
  QUEUE_SWEEP_SECONDS: z.coerce.number().int().min(1).default(30),
  QUEUE_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).default(30),
  MAILBOX_LEASE_SECONDS: z.coerce.number().int().min(3).max(3600).default(30),
  // Knowledge base and AI. With no OPENAI_API_KEY everything runs on the built-in local provider, offline.
  EMBEDDING_PROVIDER: z.enum(['auto', 'local', 'openai']).default('auto'),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: urlOf(['http:', 'https:']).optional(),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
  OPENAI_MAX_RETRIES: z.coerce.number().int().nonnegative().default(4),
  EMBEDDING_MODEL: z.string().min(1).default('text-embedding-3-small'),
  CHAT_MODEL: z.string().min(1).default('gpt-4o-mini'),
  // English sentence vectors (Universal Sentence Encoder-lite from npm, offline) as an extra matching signal:
  // 'auto' = on with the local provider; 'off' saves its 200-300 MB and 10-20 ms of CPU per new sentence.
  SEMANTIC_MODEL: z.enum(['auto', 'off']).default('auto'),
  // Below this calibrated confidence no article is suggested and the case is marked for escalation.
  // Default chosen from the eval trade-off curve (see README, "Choosing the threshold"); per mailbox override below.
  MATCH_THRESHOLD: z.coerce.number().min(0).max(1).optional(),
  // Replies without review, for new mailboxes (then per mailbox): off, shadow (report what would be sent) or on.
  AUTO_SEND_MODE: z.enum(['off', 'shadow', 'on']).default('off'),
  AUTO_SEND_MIN_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.9),
  MAX_SUGGESTED_ARTICLES: z.coerce.number().int().min(0).max(3).default(3),
  // Sender authentication (SPF, DKIM, DMARC). 'verify' checks with DNS; 'trust-header' trusts the receiving
  // MTA's Authentication-Results whose authserv-id is AUTHSERV_ID; 'off' disables the check.
  SENDER_AUTH: z.enum(['verify', 'trust-header', 'off']).default('verify'),
  AUTHSERV_ID: z.string().min(1).optional(),
  DNS_TIMEOUT_MS: z.coerce.number().int().positive().default(2000),
  // A TXT name that must resolve: when it does not, DNS is broken (a resolver answering NXDOMAIN for everything makes
  // every domain look like "no DMARC policy"), /health raises an alert and DMARC results count as temperror. 'off' disables.
  DNS_CANARY_NAME: z.string().regex(/^(off|[a-z0-9_.-]+)$/i, 'expected a DNS name like _dmarc.gmail.com, or off').default('_dmarc.gmail.com'),
  DNS_CANARY_INTERVAL_SECONDS: z.coerce.number().int().min(5).default(60),
  // Web app sign-in. The first admin comes from ADMIN_EMAIL/ADMIN_PASSWORD on first start (or `firstreply users create --admin`).
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().min(12, 'expected a password of at least 12 characters').optional(),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  // Session cookies carry Secure when the request came over HTTPS (directly or X-Forwarded-Proto from a trusted
  // proxy) with 'auto'; 'true' always, 'false' never (plain-HTTP development only).
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  SIGNIN_MAX_ATTEMPTS_PER_15MIN: z.coerce.number().int().positive().default(10),
  // Escalation webhooks may not call private, loopback, link-local or metadata addresses, except the host names,
  // addresses and CIDR ranges listed here (comma-separated), e.g. "hooks.internal,10.0.5.0/24".
  WEBHOOK_ALLOWED_HOSTS: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []))
    .pipe(z.array(z.string().regex(/^(\[?[0-9a-f:.]+\]?(\/\d{1,3})?|[a-z0-9._-]+)$/i, 'expected host names, IP addresses or CIDR ranges separated by commas'))),
  // Test-only: makes the outbox worker exit right after the SMTP server accepted a message, before recording it.
  FAULT_INJECTION: z.enum(['none', 'exit-after-send']).default('none'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parse settings once at start; nothing else reads process.env. A .env file fills in what the environment lacks. */
export function loadConfig(env: Record<string, string | undefined> = process.env, dotenvPath = '.env'): Config {
  const fromFile = existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {};
  const merged = { ...fromFile, ...env };
  const cleaned = Object.fromEntries(
    Object.keys(configSchema.shape).map((k) => [k, merged[k] === '' ? undefined : merged[k]]),
  );
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${String(i.path[0])}: ${i.message} (got ${shown(String(i.path[0]), cleaned[String(i.path[0])])})`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

// Secrets and URLs with credentials are never echoed back, only their length.
function shown(key: string, value: unknown): string {
  if (value === undefined) return 'nothing';
  if (/TOKEN|PASSWORD|SECRET|KEY|_URL$/.test(key)) return `a value of ${String(value).length} characters`;
  return JSON.stringify(value);
}

export function messageIdDomain(config: Config): string {
  return config.MESSAGE_ID_DOMAIN ?? config.SUPPORT_ADDRESS.split('@')[1]!;
}

/** The base of public links (the help centre): PUBLIC_BASE_URL, else the address the HTTP server listens on. */
export function publicBaseUrl(config: Pick<Config, 'PUBLIC_BASE_URL' | 'HOST' | 'PORT'>): string {
  // an IPv6 literal needs brackets in a URL
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  return config.PUBLIC_BASE_URL ?? `http://${host}:${config.PORT}`;
}

/** Where the database is, for openDatabase/withDatabase: one place, so every command opens it the same way. */
export function databaseOptions(config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR' | 'DATABASE_POOL_MAX' | 'DATABASE_PREPARED_STATEMENTS'>) {
  return { databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, maxConnections: config.DATABASE_POOL_MAX, preparedStatements: config.DATABASE_PREPARED_STATEMENTS };
}
