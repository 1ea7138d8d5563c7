/**
 * A database that refuses to change one column of a table, as a full disk would ('database or disk is
 * full'), until the test allows it again: on SQLite or PostgreSQL, through the store's own connection.
 */
import type { Store } from '../../store/index.js';
import { alterSchema } from './test-database.js';

/** Refuses every update of `table`.`column` (plain identifiers) until `allow()`. */
export async function refuseUpdates(store: Store, table: string, column: string): Promise<{ allow: () => Promise<void> }> {
  const name = `refuse_${table}_${column}`;
  if (store.dialect === 'postgres') {
    await alterSchema(store, `create function ${name}() returns trigger language plpgsql as $$ begin raise exception 'database or disk is full'; end $$`);
    await alterSchema(store, `create trigger ${name} before update of ${column} on ${table} for each row execute function ${name}()`);
    return {
      allow: async () => {
        await alterSchema(store, `drop trigger ${name} on ${table}`);
        await alterSchema(store, `drop function ${name}()`);
      },
    };
  }
  await alterSchema(store, `create trigger ${name} before update of ${column} on ${table} begin select raise(abort, 'database or disk is full'); end`);
  return { allow: () => alterSchema(store, `drop trigger ${name}`) };
}
