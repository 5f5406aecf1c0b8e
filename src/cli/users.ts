import { parseArgs } from 'node:util';
import { createUser, listUsers, setUserPassword } from '../auth/users.js';
import type { Config } from '../config.js';
import { databaseOptions } from '../config.js';
import { withDatabase } from '../db/client.js';
import { roles, type Role } from '../db/schema/auth.js';
import { AppError } from '../errors.js';

const USAGE = `Usage:
  firstreply users create --email EMAIL --role ${roles.join('|')} [--name NAME] [--password-stdin]
    (the name defaults to the address before the @: ana.lopez@shop.example -> ana.lopez)
  firstreply users set-password --email EMAIL [--password-stdin]   reset a password (ends that user's sessions)
  firstreply users list
Without --password-stdin the password is asked for on the terminal (not echoed).`;

/** All of stdin, minus one trailing newline (so `echo pw | ...` and `printf pw | ...` agree). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return Promise.reject(new Error('no terminal to ask for the password: use --password-stdin'));
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (data: Buffer) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) return readStdin();
  const password = await promptHidden('Password: ');
  if ((await promptHidden('Repeat it: ')) !== password) throw new AppError('bad_request', 'the passwords differ');
  return password;
}

export async function usersCommand(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, 'password-stdin': { type: 'boolean', default: false } },
  });
  const [sub] = positionals;
  const invalid =
    (sub === 'create' && (!values.email || !roles.includes(values.role as Role))) ||
    (sub === 'set-password' && !values.email) ||
    !['create', 'set-password', 'list'].includes(sub ?? '');
  if (invalid) {
    console.error(USAGE);
    return 2;
  }
  // Ask before opening the database: the embedded one is locked while open.
  const password = sub === 'list' ? '' : await readPassword(values['password-stdin']!);
  return withDatabase(databaseOptions(config), async (database) => {
    try {
      if (sub === 'create') {
        const user = await createUser(database.db, { email: values.email!, name: values.name?.trim() || defaultUserName(values.email!), role: values.role as Role, password });
        console.log(`created ${user.role} ${user.email} (${user.id})`);
      } else if (sub === 'set-password') {
        const user = await setUserPassword(database.db, values.email!, password);
        console.log(`password changed for ${user.email}; their sessions have ended`);
      } else {
        for (const u of await listUsers(database.db)) console.log([u.id, u.role, u.email, u.name, u.disabledAt ? 'disabled' : 'active'].join('\t'));
      }
      return 0;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      console.error(err.message);
      return err.code === 'not_found' ? 1 : 2;
    }
  });
}

/** The name a user gets when none is given: the address before the @ (what sign-in pages and the history show). */
export function defaultUserName(email: string): string {
  return email.trim().split('@')[0]!.slice(0, 100) || email.trim();
}
