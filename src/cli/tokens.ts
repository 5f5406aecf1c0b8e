import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { createTokenAudited, revokeTokenAudited } from '../admin/audited.js';
import { listApiTokens, MAX_TOKEN_DAYS } from '../auth/tokens.js';
import type { Config } from '../config.js';
import { databaseOptions } from '../config.js';
import { withDatabase } from '../db/client.js';
import { roles, type Role } from '../db/schema/auth.js';

const USAGE = `Usage:
  firstreply tokens create --name NAME --role ${roles.join('|')} [--expires-days N]   print a new API token (shown once)
  firstreply tokens list                                          list tokens (never the secrets)
  firstreply tokens revoke ID                                     revoke a token`;

export async function tokensCommand(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { name: { type: 'string' }, role: { type: 'string' }, 'expires-days': { type: 'string' } } });
  const days = values['expires-days'];
  if (days !== undefined && !(/^\d+$/.test(days) && Number(days) >= 1 && Number(days) <= MAX_TOKEN_DAYS)) {
    console.error(`--expires-days: expected a whole number of days from 1 to ${MAX_TOKEN_DAYS}`);
    return 2;
  }
  const [sub, id] = positionals;
  if (sub === 'create' && (!values.name || !roles.includes(values.role as Role))) {
    console.error(`tokens create needs --name and --role (${roles.join(', ')})`);
    return 2;
  }
  if (!['create', 'list', 'revoke'].includes(sub ?? '') || (sub === 'revoke' && !id)) {
    console.error(USAGE);
    return 2;
  }
  // Tokens are rows in the database: open it directly, no need to start the service.
  return withDatabase(databaseOptions(config), async (database) => {
    if (sub === 'create') {
      const created = await createTokenAudited(database.db, cliActor(), { name: values.name!, role: values.role as Role, expiresInDays: days === undefined ? null : Number(days) });
      console.error(`created token ${created.id} (${values.role}${created.expiresAt ? `, expires ${created.expiresAt.toISOString()}` : ''}); it is shown only this once:`);
      console.log(created.token);
    } else if (sub === 'list') {
      for (const t of await listApiTokens(database.db)) {
        const state = t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt <= new Date() ? 'expired' : t.expiresAt ? `active until ${t.expiresAt.toISOString()}` : 'active';
        console.log([t.id, t.role, t.name, t.lastUsedAt?.toISOString() ?? 'never used', state].join('\t'));
      }
    } else if (!(await revokeTokenAudited(database.db, cliActor(), id!))) {
      console.error(`no active token ${id}`);
      return 1;
    }
    return 0;
  });
}

/** Who ran the command, for the audit log: the operating-system user (the CLI has no sign-in). */
function cliActor() {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers)
  }
  return { id: 'cli', name: `firstreply CLI (${user})` };
}
