import { parseArgs } from 'node:util';
import { createApiToken, listApiTokens, revokeApiToken } from '../auth/tokens.js';
import type { Config } from '../config.js';
import { databaseOptions } from '../config.js';
import { withDatabase } from '../db/client.js';
import { roles, type Role } from '../db/schema/auth.js';

const USAGE = `Usage:
  firstreply tokens create --name NAME --role ${roles.join('|')}   print a new API token (shown once)
  firstreply tokens list                                          list tokens (never the secrets)
  firstreply tokens revoke ID                                     revoke a token`;

export async function tokensCommand(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { name: { type: 'string' }, role: { type: 'string' } } });
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
      const created = await createApiToken(database.db, { name: values.name!, role: values.role as Role });
      console.error(`created token ${created.id} (${values.role}); it is shown only this once:`);
      console.log(created.token);
    } else if (sub === 'list') {
      for (const t of await listApiTokens(database.db)) {
        console.log([t.id, t.role, t.name, t.lastUsedAt?.toISOString() ?? 'never used', t.revokedAt ? 'revoked' : 'active'].join('\t'));
      }
    } else if (!(await revokeApiToken(database.db, id!))) {
      console.error(`no active token ${id}`);
      return 1;
    }
    return 0;
  });
}
