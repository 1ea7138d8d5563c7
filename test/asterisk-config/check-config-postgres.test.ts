/**
 * A centre on PostgreSQL (one server with a database of its own, active + standby, several nodes)
 * runs `npm run check-config` with the server's settings, as the README tells it to: CTI_DB is then a
 * `postgres://` URL. The check must read that database's routes, menus and agents like the server
 * does, and must never print the database password on the terminal it runs in.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../asterisk-config/scripts/check-config.js';
import { openDatabase, seedDemo, systemClock } from '../../store/index.js';
import { SHIPPED, SHIPPED_ENV, stubSounds } from './support.js';
import { TEST_PG_URL, createPostgresDatabase } from '../support/test-database.js';

const sounds = stubSounds();
const PASSWORD = 'Pg-Secret-4711';
const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of drops.splice(0)) await drop();
});

/** The URL with a password in it (the test server trusts local connections, so any password does). */
function withPassword(url: string, port?: number): string {
  const parsed = new URL(url);
  parsed.username = parsed.username || 'postgres';
  parsed.password = PASSWORD;
  if (port !== undefined) parsed.port = String(port);
  return parsed.toString();
}

describe('check-config against the server database on PostgreSQL', () => {
  it('reads the routes of a PostgreSQL CTI_DB and passes the shipped configuration', async () => {
    const created = await createPostgresDatabase();
    drops.push(created.drop);
    const store = await openDatabase(created.url, systemClock);
    await seedDemo(store.db);
    await store.close();

    const printed: string[] = [];
    const status = await main(['--asterisk-config', SHIPPED, '--sounds', sounds], { ...SHIPPED_ENV, CTI_DB: withPassword(created.url) }, (line) => printed.push(line));
    expect(printed.join('\n'), 'check-config refuses the PostgreSQL database').not.toMatch(/no database at/);
    expect(status).toBe(0);
    // The database it read is named, without its password.
    expect(printed[0]).toContain(`against ${withPassword(created.url).replace(PASSWORD, '***')}`);
    expect(printed.join('\n')).not.toContain(PASSWORD);
  });

  it('never prints the database password, also when the database does not answer', async () => {
    const printed: string[] = [];
    // Port 1: nothing listens there; the check cannot run (exit 2), and says so without the password.
    const status = await main(['--asterisk-config', SHIPPED, '--sounds', sounds], { ...SHIPPED_ENV, CTI_DB: withPassword(TEST_PG_URL, 1) }, (line) => printed.push(line));
    expect(status).toBe(2);
    expect(printed.join('\n'), 'the password of CTI_DB on the terminal').not.toContain(PASSWORD);
    expect(printed.at(-1)).toMatch(/^check-config: PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/\S+ did not answer/);
  });
});
