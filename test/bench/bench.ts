/**
 * `npm run bench`: the built server (a child process, as in service) against the PBX simulator with
 * many agent desktops connected, at rising call rates. Prints, per rate: call reaction (simulator's
 * StasisStart → the server's first request for that call, its answer), screen-pop latency (the agent
 * leg starts ringing → the desktop has `call.offered`), the same for a bare relay (the ringing event
 * forwarded straight to a WebSocket: the floor), the server's CPU per call, and its peak memory.
 * Figures only; nothing here passes or fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WebSocket, WebSocketServer } from 'ws';
import { hashPasswordSync } from '../../softphone-bridge/auth/passwords.js';
import { createAgent, findSkillByCode, openStore, seedDemo } from '../../store/index.js';
import { startPbxSim } from '../pbx-sim/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const AGENTS = 40;
const RATES = [5, 10, 20, 40, 60, 90, 120];
const PHASE_MS = 4_000;
const TALK_MS = 600;
const REACTION_GOAL_MS = 50;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** utime + stime of a process in ms, from /proc (Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

function peakRssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return Number(line?.replace(/\D+/g, '') ?? 0) / 1024;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'cti-bench-'));
  const confDir = join(work, 'asterisk-config');
  cpSync('asterisk-config', confDir, { recursive: true });
  for (let i = 1; i <= AGENTS; i++) {
    const ext = String(2000 + i);
    appendFileSync(join(confDir, 'pjsip.conf'), `\n[${ext}](agent-phone)\nauth = ${ext}\naors = ${ext}\n[${ext}](agent-auth)\nusername = ${ext}\npassword = bench\n[${ext}](agent-aor)\n`);
  }
  const sim = await startPbxSim({ amiPort: 0, httpPort: 0, configDir: confDir, playbackMsPerSecond: 5 });

  const dbPath = join(work, 'cti.db');
  const store = openStore(dbPath);
  const passwordHash = hashPasswordSync('bench');
  seedDemo(store.db, { passwordHash });
  const general = findSkillByCode(store.db, 'general');
  if (!general) throw new Error('no general skill');
  for (let i = 1; i <= AGENTS; i++) {
    const ext = String(2000 + i);
    createAgent(store.db, { login: ext, name: `压测坐席${i}`, endpoint: `PJSIP/${ext}`, passwordHash, skills: [{ skillId: general.id, level: 5 }] });
  }
  store.close();
  for (let i = 1; i <= AGENTS; i++) {
    await simRequest(sim.httpUrl, 'PUT', `/sim/endpoints/PJSIP/${2000 + i}`, { online: true, answer: 'auto', answerDelayMs: 0 });
  }

  const httpPort = await freePort();
  const serverUrl = `http://127.0.0.1:${httpPort}`;
  const server: ChildProcess = spawn(process.execPath, ['dist/main.js'], {
    env: {
      ...process.env,
      CTI_DB: dbPath,
      CTI_HTTP_HOST: '127.0.0.1',
      CTI_HTTP_PORT: String(httpPort),
      CTI_AMI_PORT: String(sim.amiPort),
      CTI_AMI_SECRET: 'cti-secret',
      CTI_ARI_URL: sim.httpUrl,
      CTI_ARI_PASSWORD: 'cti-secret',
      CTI_TOKEN_KEY: 'bench-token-key-0123456789-0123456789',
      CTI_WRAP_UP: '0',
      CTI_LOG_LEVEL: 'error',
      CTI_LOGIN_RATE: '10000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const pid = server.pid;
  if (!pid) throw new Error('server did not start');
  try {
    await waitFor(async () => (await simRequest(serverUrl, 'GET', '/health').catch(() => ({ status: 0 }))).status === 200, 'server healthy', 30_000);

    // A wrong password costs the same for a name that exists and one that does not (no enumeration by timing).
    const loginMs = async (username: string) => {
      const t = performance.now();
      await simRequest(serverUrl, 'POST', '/api/v1/auth/login', { username, password: 'wrong-password' });
      return performance.now() - t;
    };
    const knownMs: number[] = [];
    const unknownMs: number[] = [];
    for (let i = 1; i <= 20; i++) {
      knownMs.push(await loginMs(String(2000 + i)));
      unknownMs.push(await loginMs(`nobody-${i}`));
    }
    const loginLine = `wrong-password login p50: known name ${percentile(knownMs, 50).toFixed(1)} ms, unknown name ${percentile(unknownMs, 50).toFixed(1)} ms`;

    // Timestamps from the simulator's own event stream (same process as the desktops: one clock).
    const stasisAt = new Map<string, number>();
    const reactions: number[] = [];
    const ringAt = new Map<string, number>();
    const pops: number[] = [];
    const floor: number[] = [];
    const relay = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    const relayClients = new Set<WebSocket>();
    relay.on('connection', (ws) => relayClients.add(ws));
    await new Promise<void>((r) => relay.once('listening', () => r()));
    const relayAddress = relay.address();
    const floorClient = new WebSocket(`ws://127.0.0.1:${typeof relayAddress === 'object' && relayAddress ? relayAddress.port : 0}`);
    floorClient.on('message', (data: Buffer) => {
      const { t } = JSON.parse(data.toString()) as { t: number };
      floor.push(performance.now() - t);
    });
    await new Promise<void>((r) => floorClient.once('open', () => r()));

    sim.core.subscribe((event) => {
      const now = performance.now();
      if (event.type === 'stasis.start' && event.args[0] === '12345') stasisAt.set(event.channel.id, now);
      else if (event.type === 'channel.state' && event.channel.state === 'Up') {
        const t = stasisAt.get(event.channel.id);
        if (t !== undefined) {
          reactions.push(now - t);
          stasisAt.delete(event.channel.id);
        }
      } else if (event.type === 'dial' && event.dialStatus === 'RINGING' && event.peer.name.startsWith('PJSIP/20')) {
        ringAt.set(event.peer.caller.number, now);
        const message = JSON.stringify({ type: 'call.offered', t: now, callerNumber: event.peer.caller.number });
        for (const ws of relayClients) ws.send(message);
      }
    });

    const desks: AgentDesktop[] = [];
    for (let i = 1; i <= AGENTS; i++) {
      const desk = await AgentDesktop.login(serverUrl, String(2000 + i), 'bench');
      await desk.command('agent.ready');
      desks.push(desk);
    }
    // Each pop is timed on arrival, against the moment the simulator rang that agent's phone.
    for (const desk of desks) {
      desk.onMessage = (m) => {
        if (m.type !== 'call.offered') return;
        const t = ringAt.get(String(m.callerNumber));
        if (t !== undefined) pops.push(performance.now() - t);
      };
    }

    const rows: string[] = [];
    let best = 0;
    let serial = 0;
    for (const rate of RATES) {
      reactions.length = 0;
      pops.length = 0;
      floor.length = 0;
      const cpuBefore = cpuMs(pid);
      const interval = 1000 / rate;
      const total = Math.round((rate * PHASE_MS) / 1000);
      const started = performance.now();
      const placed: Promise<void>[] = [];
      for (let i = 0; i < total; i++) {
        const due = started + i * interval;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        serial += 1;
        const from = `139${String(serial).padStart(8, '0')}`;
        placed.push(
          placeCall(sim.httpUrl, from, '12345').then(async (id) => {
            await new Promise((r) => setTimeout(r, TALK_MS));
            await simRequest(sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`).catch(() => undefined);
          }),
        );
      }
      await Promise.all(placed);
      await new Promise((r) => setTimeout(r, 1500));
      const cpuPerCall = (cpuMs(pid) - cpuBefore) / total;
      const p99 = percentile(reactions, 99);
      if (p99 < REACTION_GOAL_MS && reactions.length >= total * 0.95) best = rate;
      const ratio = percentile(pops, 50) / percentile(floor, 50);
      rows.push(
        [
          `${rate}/s`.padStart(6),
          `${reactions.length}`.padStart(6),
          `${percentile(reactions, 50).toFixed(1)} / ${p99.toFixed(1)}`.padStart(14),
          `${pops.length}`.padStart(5),
          `${percentile(pops, 50).toFixed(1)} / ${percentile(pops, 99).toFixed(1)}`.padStart(14),
          `${percentile(floor, 50).toFixed(2)} / ${percentile(floor, 99).toFixed(2)}`.padStart(14),
          `${ratio.toFixed(1)}x`.padStart(7),
          `${cpuPerCall.toFixed(2)}`.padStart(8),
        ].join(' '),
      );
    }
    process.stdout.write(
      [
        `bench: ${AGENTS} agent desktops, ${PHASE_MS / 1000} s per rate, calls talk ${TALK_MS} ms; times in ms`,
        '  rate  calls  reaction p50/p99  pops    pop p50/p99  floor p50/p99  pop/floor  cpu/call',
        ...rows,
        `highest rate with p99 reaction under ${REACTION_GOAL_MS} ms: ${best || 'none of the tested rates'} calls/s`,
        `server peak RSS: ${peakRssMb(pid).toFixed(0)} MB`,
        loginLine,
        '',
      ].join('\n'),
    );
    for (const desk of desks) desk.close();
    floorClient.close();
    relay.close();
  } finally {
    server.kill('SIGTERM');
    await sim.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
