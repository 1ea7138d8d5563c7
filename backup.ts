/**
 * npm run backup -- [--db <path>] [--out <file>]
 *
 * A consistent copy of the server's SQLite database while it runs (store/backup.ts). `--db` defaults
 * to the configured database (CTI_DB, the config file, or ./data/cti.db); `--out` to
 * ./backups/cti-<date>T<time>.db. Restore: stop the server, put the copy in place of the database
 * file (and remove its -wal and -shm files), start the server.
 */
import { resolve } from 'node:path';
import { loadConfig } from './config.js';
import { backupDatabase } from './store/backup.js';
import { isPostgresUrl } from './store/dialect.js';

function option(argv: string[], name: string): string | undefined {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : undefined;
}

async function main(argv: string[]): Promise<number> {
  const source = option(argv, 'db') ?? loadConfig().dbPath;
  if (isPostgresUrl(source)) {
    console.error('backup: the configured database is PostgreSQL; back it up with pg_dump (see the README, Backup)');
    return 2;
  }
  if (source === ':memory:') {
    console.error('backup: the configured database is in memory; there is nothing on disk to copy');
    return 2;
  }
  const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '');
  const destination = option(argv, 'out') ?? resolve('backups', `cti-${stamp}.db`);
  try {
    const result = await backupDatabase(resolve(source), resolve(destination));
    const total = Object.values(result.rows).reduce((a, b) => a + b, 0);
    console.log(`backup: ${source} → ${result.destination}: ${result.pages} pages, ${Object.keys(result.rows).length} tables, ${total} rows, integrity ok`);
    return 0;
  } catch (error) {
    console.error(`backup failed: ${(error as Error).message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
