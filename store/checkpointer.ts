/**
 * Moves an SQLite database's WAL checkpoints off the event loop.
 *
 * In WAL mode SQLite copies the WAL's pages back into the database file (a checkpoint) inside the
 * COMMIT that takes the WAL past `wal_autocheckpoint` pages, and syncs the database file there: on
 * the one thread the whole server runs on, 2–7 ms every second or so at 80 calls/s — a caller whose
 * answer lands behind it waits that long. Here the server's connection checkpoints never
 * (`wal_autocheckpoint = 0`); a worker thread with a connection of its own runs a PASSIVE checkpoint
 * every `intervalMs` instead, which copies what no reader still needs and never waits for, nor holds
 * up, the server's writes.
 *
 * Durability is unchanged: the worker's connection is at `synchronous = NORMAL`, so its checkpoint
 * syncs the WAL before copying and the database file after, as the server's own would have; and the
 * WAL is reused from its start only after a checkpoint has copied all of it (wal-sync.ts relies on it).
 *
 * If the worker stops other than by `stop()` (it could not open the file, a checkpoint failed), the
 * server's connection checkpoints by itself again (`wal_autocheckpoint` back to SQLite's 1000 pages),
 * so the WAL never grows without bound, and `onLost` says why.
 */
import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** SQLite's own default: what the server's connection goes back to without the worker. */
const AUTOCHECKPOINT_PAGES = 1000;
/** A WAL left larger than this by a burst is cut back to it when it is next reused (bytes). */
const WAL_SIZE_LIMIT = 64 * 1024 * 1024;

export interface CheckpointerOptions {
  /** Time between two checkpoints (default 500 ms: at 80 calls/s some 800 pages, SQLite's own pace). */
  intervalMs?: number;
  /** Told when the worker stopped by itself; checkpoints are back in the server's commits by then. */
  onLost?: (error: Error) => void;
}

export interface Checkpointer {
  /** Ends the worker after the checkpoint it may be running, and closes its connection. */
  stop(): Promise<void>;
}

/**
 * The worker, as plain CommonJS (a file of its own would have to exist as JavaScript both beside the
 * compiled program and under the test runner, which runs the TypeScript sources). It opens the file,
 * checkpoints on its timer, and closes on 'stop'. A failure ends it with the error, which the server
 * sees as the worker's `error` event.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
// SQLite's errors reach the server as plain objects (their class does not cross threads): as Errors.
const fail = (e) => { throw new Error((e && e.code ? e.code + ': ' : '') + (e && e.message ? e.message : String(e))); };
let db, checkpoint;
try {
  const Database = require(workerData.driver);
  db = new Database(workerData.path, { fileMustExist: true });
  db.pragma('busy_timeout = 1000');
  db.pragma('synchronous = NORMAL');
  db.pragma('journal_size_limit = ' + workerData.walSizeLimit);
  checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
} catch (e) { fail(e); }
const timer = setInterval(() => { try { checkpoint.run(); } catch (e) { fail(e); } }, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** Starts the worker for `client`'s database file (in WAL mode), and hands checkpointing to it. */
export function startCheckpointer(client: Database.Database, options: CheckpointerOptions = {}): Checkpointer {
  const intervalMs = options.intervalMs ?? 500;
  if (!Number.isInteger(intervalMs) || intervalMs < 1) throw new Error(`checkpoint interval must be a whole number of milliseconds, got ${intervalMs}`);
  client.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
  client.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), path: client.name, intervalMs, walSizeLimit: WAL_SIZE_LIMIT },
  });
  // The worker keeps no one waiting: the process may end while it runs (the store's close stops it).
  worker.unref();
  let stopping = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const lose = (error: Error): void => {
    if (stopping) return;
    stopping = true;
    if (client.open) client.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    options.onLost?.(error);
  };
  worker.on('error', (error: unknown) => lose(error instanceof Error ? error : new Error(String(error))));
  worker.on('exit', (code) => lose(new Error(`the checkpoint worker ended (code ${code})`)));
  return {
    async stop() {
      if (stopping) return exited;
      stopping = true;
      // Waited for now: unreferenced, a process with nothing else left to do (a command-line tool
      // closing its store) would end before the worker's exit, its close never settling.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
