import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, databaseOptions } from './config.js';
import { listMessages } from './cases/queries.js';
import { withDatabase } from './db/client.js';
import { errorMessage } from './errors.js';
import { readMailSource } from './mail/import.js';
import { DEFAULT_MAILBOX_KEY } from './mailboxes/sync.js';
import { startService } from './service.js';

const USAGE = `firstreply — instant, honest first replies to customer email

Usage:
  firstreply start                           run the HTTP API, SMTP listener, IMAP watchers and workers
  firstreply migrate                         apply database migrations
  firstreply try [--language en|es|de]       send a sample customer email to the running service and show the acknowledgement
  firstreply import PATH [--mailbox KEY]     import .eml files, maildirs or mbox files (idempotent)
  firstreply messages [--attention]          list stored messages (flagged or failed ones with --attention)
  firstreply tokens create --name NAME --role admin|agent|knowledge_manager   create an API token (printed once)
  firstreply tokens list                     API tokens (never their secrets)
  firstreply tokens revoke ID                revoke a token
  firstreply users create --email EMAIL --role admin|agent|knowledge_manager [--name NAME] [--password-stdin]
                                             a web app user (the name defaults to the address before the @)
  firstreply users set-password --email EMAIL [--password-stdin]   reset a password (ends that user's sessions)
  firstreply users list                      web app users
  firstreply kb import PATH                  knowledge-base articles: a .jsonl file or a folder of .md files (README, Formats)
  firstreply kb export --format jsonl|markdown --out PATH
  firstreply kb reindex                      embed changed articles now (normally automatic)
  firstreply kb gaps [--recompute] [--json]  questions no article answers, clustered
  firstreply eval --kb KB.jsonl --queries Q.jsonl [--threshold T]   measure matching on a labelled set (README, Formats)
  firstreply privacy export --email ADDRESS [--out FILE]   everything stored about a customer (GDPR access)
  firstreply privacy erase --email ADDRESS [--yes]         erase it (shows what would go without --yes)
  firstreply backup --out FILE               embedded setup: copy of DATA_DIR (service stopped; see docs/operations.md)
  firstreply restore --from FILE             restore such a copy into an empty DATA_DIR
  firstreply help | --help                   this list

Settings come from environment variables or .env (see README).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'start': {
      const service = await startService(config);
      const shutdown = async () => {
        await service.stop();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      return -1;
    }
    case 'migrate': {
      const kind = await withDatabase(databaseOptions(config), async (d) => d.kind);
      console.log(`migrations applied (${kind})`);
      return 0;
    }
    case 'import':
      return importCommand(config, rest);
    case 'try': return (await import('./cli/try.js')).tryCommand(config, rest);
    case 'tokens': return (await import('./cli/tokens.js')).tokensCommand(config, rest);
    case 'users': return (await import('./cli/users.js')).usersCommand(config, rest);
    case 'kb': return (await import('./cli/kb.js')).kbCommand(config, rest);
    case 'eval': return (await import('./cli/eval.js')).evalCommand(config, rest);
    case 'privacy': return (await import('./cli/privacy.js')).privacyCommand(config, rest);
    case 'backup': return (await import('./cli/backup.js')).backupCommand(config, rest);
    case 'restore': return (await import('./cli/backup.js')).restoreCommand(config, rest);
    case 'messages': {
      const { values } = parseArgs({ args: rest, options: { attention: { type: 'boolean', default: false } } });
      const messages = await withDatabase(databaseOptions(config), (d) =>
        listMessages(d.db, { attention: values.attention, limit: 200 }),
      );
      for (const m of messages) console.log([m.receivedAt.toISOString(), m.id, m.status, m.flags.join(',') || '-', m.subject ?? ''].join('\t'));
      return 0;
    }
    default:
      console.log(USAGE);
      return command && command !== 'help' && command !== '--help' ? 2 : 0;
  }
}

async function importCommand(config: ReturnType<typeof loadConfig>, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { mailbox: { type: 'string', default: DEFAULT_MAILBOX_KEY } } });
  if (positionals.length === 0) {
    console.error('import needs a PATH: an .eml file, a maildir or an mbox file');
    return 2;
  }
  // Import runs the full service so imported mail is processed and acknowledged like any other.
  const service = await startService({ ...config, INBOUND_SMTP_ENABLED: false, PORT: 0 });
  const mailbox = service.inbound.mailboxByKey(values.mailbox!);
  const counts = { stored: 0, duplicates: 0, failed: 0 };
  for (const target of positionals) {
    for await (const { origin, raw } of readMailSource(target)) {
      try {
        const r = await service.inbound.receive(mailbox, 'import', raw);
        counts[r.duplicate ? 'duplicates' : 'stored']++;
      } catch (err) {
        counts.failed++;
        console.error(`${origin}: ${errorMessage(err)}`);
      }
    }
  }
  await service.pipeline.drain();
  await service.outboxWorker.drain();
  await service.stop();
  console.log(JSON.stringify(counts));
  return counts.failed > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => code >= 0 && process.exit(code),
  (err) => {
    console.error(err instanceof ConfigError ? err.message : `firstreply: ${errorMessage(err)}`);
    process.exit(err instanceof ConfigError ? 78 : 1);
  },
);
