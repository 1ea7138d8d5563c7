/**
 * The built server as a real process, for what only a process can show: `kill -9` in the middle of
 * calls, and a fresh start on the same database. The server is compiled once per test process into
 * `dist/.cti-server-<pid>/`: beside what `npm run build` writes, never over it; one per process, as
 * test files run in parallel processes and tsc rewriting a build under a starting server would
 * break it; inside the checkout, so that checkouts sharing one `node_modules` keep apart. It runs with
 * libfaketime preloaded (Debian's `faketime`) so that its clock is the test's, not the machine's date.
 * The library is preloaded into node itself rather than through the `faketime` wrapper, which forks:
 * a SIGKILL must reach the server, not a wrapper.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PbxSim } from '../pbx-sim/index.js';
import { TEST_EPOCH } from './test-clock.js';
import { waitFor } from './sim-client.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'dist');
const BUILD_PREFIX = '.cti-server-';
// At the same depth under the checkout as `dist/store/`: the server finds `store/migrations` by walking up.
const OUT = join(DIST, `${BUILD_PREFIX}${process.pid}`);
let built = false;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Builds of test processes that are gone (killed before they could remove theirs). */
function removeStaleBuilds(): void {
  if (!existsSync(DIST)) return;
  for (const name of readdirSync(DIST)) {
    const pid = name.startsWith(BUILD_PREFIX) ? Number(name.slice(BUILD_PREFIX.length)) : NaN;
    if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) rmSync(join(DIST, name), { recursive: true, force: true });
  }
}

/**
 * Compiles the server (tsc with the build configuration; types are checked by the test command's
 * own type-check, so this only emits) once per process; returns its entry point.
 */
export function buildServer(): string {
  if (!built) {
    removeStaleBuilds();
    process.once('exit', () => rmSync(OUT, { recursive: true, force: true }));
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', OUT, '--noCheck'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    built = true;
  }
  const main = join(OUT, 'main.js');
  if (!existsSync(main)) throw new Error(`the build did not produce ${main}`);
  return main;
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
  const main = buildServer();
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
