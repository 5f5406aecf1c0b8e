import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { databaseOptions } from '../config.js';
import { withDatabase } from '../db/client.js';
import { embeddedInUse, IN_USE_MESSAGE } from '../ops/embedded-lock.js';
import { eraseCustomerData, exportCustomerData, previewErasure } from '../privacy/customer-data.js';
import { findMentions } from '../privacy/mentions.js';
import { dataLocations, normaliseAddress } from '../privacy/scope.js';

const USAGE = `Usage:
  firstreply privacy export --email ADDRESS [--out FILE]   everything stored about ADDRESS as one JSON document
  firstreply privacy erase --email ADDRESS [--yes]         delete or anonymise it (without --yes: only show what)`;

export async function privacyCommand(config: Config, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { email: { type: 'string' }, out: { type: 'string' }, yes: { type: 'boolean', default: false }, force: { type: 'boolean', default: false } },
  });
  const [sub] = positionals;
  if (!['export', 'erase'].includes(sub ?? '') || !values.email) {
    console.error(USAGE);
    return 2;
  }
  let address: string;
  try {
    address = normaliseAddress(values.email);
  } catch (err) {
    console.error(String((err as Error).message));
    return 2;
  }
  if (!config.DATABASE_URL && !values.force && embeddedInUse(config.DATA_DIR)) {
    console.error(IN_USE_MESSAGE(config.DATA_DIR));
    return 1;
  }
  const locations = dataLocations(config.DATA_DIR);
  return withDatabase(databaseOptions(config), async ({ db }) => {
    if (sub === 'export') {
      const document = JSON.stringify(await exportCustomerData(db, address, locations), null, 2);
      if (values.out) {
        // Personal data: readable by the owner only.
        await writeFile(values.out, `${document}\n`, { mode: 0o600 });
        console.error(`wrote ${values.out}`);
      } else {
        console.log(document);
      }
      return 0;
    }
    if (!values.yes) {
      console.log(JSON.stringify({ wouldErase: await previewErasure(db, address, locations) }));
      console.error('nothing changed; run again with --yes to erase (export first if the customer asked for a copy)');
      return 1;
    }
    const report = await eraseCustomerData(db, address, locations);
    // Anything that still names the address is in a place no handler covers (someone else's message quoting it,
    // an article, a table added later): listed for a human to decide, not touched.
    const remaining = await findMentions(db, address);
    console.log(JSON.stringify({ erased: report, remainingMentions: remaining }));
    if (remaining.length > 0) console.error(`the address still appears in: ${remaining.map((m) => `${m.table}.${m.column} (${m.rows})`).join(', ')}`);
    return 0;
  });
}
