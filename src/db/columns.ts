// One place for the column helpers the schema files share.
import { customType, timestamp } from 'drizzle-orm/pg-core';
export { bigserial, boolean, index, integer, jsonb, pgTable, real, serial, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Raw RFC 822 bytes. PGlite and node-postgres both hand bytea back as a Uint8Array/Buffer. */
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});
