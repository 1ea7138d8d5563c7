/**
 * The bench's child processes and everything else it starts, stopped whatever happens: `cleanUp()`
 * runs the registered stops in reverse order (children before the simulators they talk to); a child
 * gets SIGTERM, then SIGKILL if it has not exited after a grace period; and if the bench process
 * exits anyway (an uncaught error, `process.exit` elsewhere), every child still running is killed.
 * Also what /proc says of a child: its CPU time and memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const GRACE_MS = 5_000;

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

const cleanups: { what: string; run: () => Promise<void> | void }[] = [];

/** Registers a stop to run at clean-up (last registered, first run). */
export function atCleanUp(what: string, run: () => Promise<void> | void): void {
  cleanups.push({ what, run });
}

/** Runs every registered stop once; a failing one is reported and the others still run. */
export async function cleanUp(): Promise<void> {
  for (let next = cleanups.pop(); next; next = cleanups.pop()) {
    try {
      await next.run();
    } catch (error) {
      process.stderr.write(`bench: stopping ${next.what} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}

/** utime + stime in ms from a /proc stat file (Linux; 100 clock ticks a second). */
function statCpuMs(path: string): number {
  const fields = readFileSync(path, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** utime + stime of a process in ms, all its threads. */
export function cpuMs(pid: number): number {
  return statCpuMs(`/proc/${pid}/stat`);
}

/**
 * utime + stime of a process's threads in ms: the main thread's (for Node, the event loop with all
 * that runs on it: JavaScript, SQLite's statements and commits) and the others' together (V8's
 * compiler and garbage-collector helpers, libuv's pool where a WAL flush runs, worker threads). Both
 * from the threads' own counters, each rounded to whole ticks alike (the process's total is rounded
 * once, so the total minus the main thread's can read below zero).
 */
export function threadCpuMs(pid: number): { main: number; others: number } {
  let others = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    if (tid === String(pid)) continue;
    try {
      others += statCpuMs(`/proc/${pid}/task/${tid}/stat`);
    } catch {
      // A thread that ended between the listing and the read (a worker stopping): nothing to add.
    }
  }
  return { main: statCpuMs(`/proc/${pid}/task/${pid}/stat`), others };
}

/** The most memory a process has had resident (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return Number(line?.replace(/\D+/g, '') ?? 0) / 1024;
}

/** The memory a process has resident now (VmRSS), in MB. */
export function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.replace(/\D+/g, '') ?? 0) / 1024;
}

export interface BenchChild {
  readonly name: string;
  readonly pid: number;
  /** Set once the process has exited (code or signal). */
  readonly exit: string | null;
  /** Resolves with the first output line that matches, rejects if the child exits or the time runs out. */
  waitForLine(match: RegExp, timeoutMs: number): Promise<string>;
  /** SIGTERM, then SIGKILL after the grace period. Resolves once the process is gone; says how it went (the same answer if called again). */
  stop(): Promise<string>;
  /** kill -9 (a server lost at once, for the takeover); resolves once the process is gone. */
  kill9(): Promise<void>;
  /** Started with `ipc`: sends a message on the IPC channel (rejects if the child is gone). */
  send(message: unknown): Promise<void>;
  /** Started with `ipc`: each message the child sends on the IPC channel. */
  onMessage(handler: (message: unknown) => void): void;
  /** Resolves once the process has exited. */
  exited(): Promise<void>;
}

export interface ChildOptions {
  /** Arguments for node before the script (e.g. `--cpu-prof`). */
  nodeArgs?: readonly string[];
  /** An IPC channel to the child (`process.send` / `process.on('message')` there), for the bench's hosts. */
  ipc?: boolean;
}

/**
 * Starts `node [nodeArgs] <script>` with `env`; each output line goes to `onLine` (stdout and stderr are piped,
 * so nothing the child says is lost and a full pipe never blocks it). Registered for clean-up.
 */
export function startChild(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  onLine: (stream: 'stdout' | 'stderr', line: string) => void,
  options: ChildOptions = {},
): BenchChild {
  const stdio: ('ignore' | 'pipe' | 'ipc')[] = ['ignore', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script], { env, stdio });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} did not start`);
  running.add(child);
  let exit: string | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = signal ? `signal ${signal}` : `code ${code ?? '?'}`;
      running.delete(child);
      resolve();
    });
  });
  const lineWaiters = new Set<(line: string) => void>();
  for (const stream of ['stdout', 'stderr'] as const) {
    const source = child[stream];
    if (!source) continue;
    createInterface({ input: source }).on('line', (line: string) => {
      onLine(stream, line);
      for (const waiter of [...lineWaiters]) waiter(line);
    });
  }

  let stopping: Promise<string> | null = null;
  const stopNow = async (): Promise<string> => {
    if (exit !== null) return `had already exited (${exit})`;
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([
      exited.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), GRACE_MS);
      }),
    ]);
    clearTimeout(timer);
    if (inTime) return `stopped (${exit ?? '?'})`;
    child.kill('SIGKILL');
    await exited;
    return `did not stop within ${GRACE_MS} ms of SIGTERM: killed`;
  };

  const handle: BenchChild = {
    name,
    pid,
    get exit() {
      return exit;
    },
    waitForLine(match, timeoutMs) {
      return new Promise<string>((resolve, reject) => {
        const done = (error: Error | null, line = '') => {
          clearTimeout(timer);
          lineWaiters.delete(waiter);
          if (error) reject(error);
          else resolve(line);
        };
        const waiter = (line: string) => {
          if (match.test(line)) done(null, line);
        };
        const timer = setTimeout(() => done(new Error(`${name}: no line matching ${String(match)} within ${timeoutMs} ms`)), timeoutMs);
        lineWaiters.add(waiter);
        void exited.then(() => done(new Error(`${name} exited (${exit ?? '?'}) before printing ${String(match)}`)));
      });
    },
    stop() {
      stopping ??= stopNow();
      return stopping;
    },
    async kill9() {
      if (exit === null) child.kill('SIGKILL');
      await exited;
    },
    send(message) {
      return new Promise<void>((resolve, reject) => {
        if (!child.connected) {
          reject(new Error(`${name} has no IPC channel (${exit === null ? 'not started with ipc' : `exited, ${exit}`})`));
          return;
        }
        child.send(message as object, (error) => (error ? reject(error) : resolve()));
      });
    },
    onMessage(handler) {
      child.on('message', handler);
    },
    exited: () => exited,
  };
  atCleanUp(name, async () => {
    const how = await handle.stop();
    if (how !== 'stopped (code 0)') process.stderr.write(`bench: ${name} ${how}\n`);
  });
  return handle;
}
