/**
 * The built server as a real process, for what only a process can show: `kill -9` in the middle of
 * calls, and a fresh start on the same database. The server is compiled once per test run into
 * `dist/.cti-server-<pid of the run>/` (server-build.ts names it): beside what `npm run build` writes,
 * never over it; built by whichever test process needs it first while the others wait for it, into a
 * folder of its own that is renamed into place once complete, so that no server ever starts from a
 * half-written build; inside the checkout, so that checkouts sharing one `node_modules` keep apart.
 * It runs with libfaketime preloaded (Debian's `faketime`) so that its clock is the test's, not the
 * machine's date. The library is preloaded into node itself rather than through the `faketime`
 * wrapper, which forks: a SIGKILL must reach the server, not a wrapper.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, inject } from 'vitest';
import type { PbxSim } from '../pbx-sim/index.js';
import { TEST_EPOCH } from './test-clock.js';
import { waitFor } from './sim-client.js';
import { DIST, ROOT } from './server-build.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `.cti-server-<run>` (BUILD_PREFIX), its lock `.lock` and a build under way `.tmp-<builder>`. */
const BUILD_NAME = /^\.cti-server-(\d+)(?:\.lock|\.tmp-(\d+))?$/;

/** Builds of runs that are gone (killed before they could remove theirs), and half-builds of dead builders. */
function removeStaleBuilds(): void {
  if (!existsSync(DIST)) return;
  for (const name of readdirSync(DIST)) {
    const match = BUILD_NAME.exec(name);
    if (!match) continue;
    const run = Number(match[1]);
    const builder = match[2] === undefined ? null : Number(match[2]);
    if (!alive(run) || (builder !== null && builder !== process.pid && !alive(builder))) rmSync(join(DIST, name), { recursive: true, force: true });
  }
}

/** Whether this process now holds the lock (a folder: making one is atomic). */
function takeLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** The process holding the lock; null until it has written its pid. */
function lockOwner(lock: string): number | null {
  try {
    const pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How long a file waits for this run's build: about 14 s on an idle 2-core machine, several times
 * that while the other test files load both cores. A waiting process looks every POLL_MS.
 */
const BUILD_WAIT_MS = 240_000;
const POLL_MS = 100;

/**
 * Compiles the server (tsc with the build configuration; types are checked by the test command's
 * own type-check, so this only emits) unless this run has it already; resolves to its entry point.
 * A test process that finds another one building waits for that build.
 */
async function build(): Promise<string> {
  const out = inject('serverBuildDir');
  const main = join(out, 'main.js');
  const lock = `${out}.lock`;
  // A build takes seconds; a builder that died leaves its lock behind and is replaced.
  for (let waited = 0; ; waited++) {
    if (existsSync(main)) return main;
    if (!takeLock(lock)) {
      const owner = lockOwner(lock);
      if (owner !== null && !alive(owner)) rmSync(lock, { recursive: true, force: true });
      else if (waited * POLL_MS > BUILD_WAIT_MS) throw new Error(`the server build in ${out} is still not done`);
      else await sleep(POLL_MS);
      continue;
    }
    try {
      writeFileSync(join(lock, 'pid'), String(process.pid));
      if (existsSync(main)) return main;
      removeStaleBuilds();
      // Beside the final folder (the same depth under the checkout, so the source maps stay right).
      const tmp = `${out}.tmp-${process.pid}`;
      rmSync(tmp, { recursive: true, force: true });
      await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', tmp, '--noCheck'], {
        cwd: ROOT,
        maxBuffer: 16 * 1024 * 1024,
      }).catch((error: unknown) => {
        const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
        throw new Error(`building the server failed:\n${stdout}${stderr}`, { cause: error });
      });
      if (!existsSync(join(tmp, 'main.js'))) throw new Error(`the build did not produce ${join(tmp, 'main.js')}`);
      renameSync(tmp, out);
      return main;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

let built: Promise<string> | null = null;

/** This run's build of the server, made on first use; resolves to its entry point. */
export function buildServer(): Promise<string> {
  built ??= build().catch((error: unknown) => {
    built = null;
    throw error;
  });
  return built;
}

/**
 * For a test file that starts server processes: waits for this run's build in a hook of its own,
 * before the file's other hooks, so that the build's time never counts against the time limit of a
 * hook or test that starts a server.
 */
export function awaitServerBuild(): void {
  beforeAll(async () => {
    await buildServer();
  }, BUILD_WAIT_MS);
}

export interface ServerProcess {
  httpUrl: string;
  pid: number;
  /** Every JSON log line the process wrote. */
  logs: Record<string, unknown>[];
  /** SIGKILL: no clean-up of any kind, as when the machine loses power or the OOM killer strikes. */
  kill9(): Promise<void>;
  /** SIGTERM: the orderly shutdown. */
  stop(): Promise<void>;
  /** Waits for a log line with this message; rejects if the process exits first. */
  waitForLog(msg: string, what: string, timeoutMs: number): Promise<Record<string, unknown>>;
}

const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/** libfaketime's FAKETIME wants `@YYYY-MM-DD hh:mm:ss` (UTC here): start there and move on. */
const fakeTimeSpec = (iso: string) => `@${iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')}`;

/** `standby`: the process is expected to wait as the standby (PostgreSQL): started once it says so. */
export async function startServerProcess(options: { sim: PbxSim; dbPath: string; at?: string; env?: Record<string, string>; standby?: boolean }): Promise<ServerProcess> {
  const main = await buildServer();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TZ: 'UTC',
    LD_PRELOAD: LIBFAKETIME,
    FAKETIME: fakeTimeSpec(options.at ?? TEST_EPOCH),
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
    CTI_HTTP_HOST: '127.0.0.1',
    CTI_HTTP_PORT: '0',
    CTI_DB: options.dbPath,
    CTI_SEED: 'demo',
    CTI_LOG_LEVEL: 'info',
    CTI_TOKEN_KEY: 'test-token-key-that-is-long-enough-0123456789',
    CTI_WRAP_UP: '1',
    // Callers here are answered without anyone registering a ticket: the agents are ready again after
    // wrap-up (the reminder that sets them 示忙 has its own tests).
    CTI_WRAP_UP_TICKET_CHECK: 'off',
    // The jobs' cron would fire on the faked wall clock in the middle of a test.
    CTI_JOBS: 'off',
    CTI_AMI_PORT: String(options.sim.amiPort),
    CTI_AMI_SECRET: 'cti-secret',
    CTI_ARI_URL: options.sim.httpUrl,
    CTI_ARI_PASSWORD: 'cti-secret',
    ...options.env,
  };
  if (!existsSync(LIBFAKETIME)) throw new Error(`${LIBFAKETIME} is missing: apt-get install -y faketime`);
  const child: ChildProcess = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ msg: line });
      }
    }
  });
  const errors: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));

  const waitForLog = (msg: string, what: string, timeoutMs: number) =>
    waitFor(
      () => {
        if (gone) throw new Error(`the server process exited: ${errors.join('')}`);
        return logs.find((l) => l['msg'] === msg);
      },
      what,
      timeoutMs,
    );
  let address: string;
  try {
    if (options.standby) {
      await waitForLog('another server is active: this one waits as the standby', 'the server process waiting as the standby', 30_000);
      address = `http://127.0.0.1:${env.CTI_HTTP_PORT ?? '?'}`;
    } else {
      const line = await waitForLog('HTTP server listening', 'the server process listening', 30_000);
      address = String(line['address']);
    }
  } catch (error) {
    // A process that did not come up as expected is not left running behind the failed test.
    child.kill('SIGKILL');
    throw error;
  }
  if (child.pid === undefined) throw new Error('the server process has no pid');
  const pid = child.pid;
  return {
    httpUrl: address.replace('0.0.0.0', '127.0.0.1'),
    pid,
    logs,
    waitForLog,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (gone) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
