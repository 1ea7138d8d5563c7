/**
 * One agent cannot exhaust the server through the live sockets: an oversized frame, too many
 * sockets for an account, and a flood of messages each close the socket with its own code, the
 * event is logged, and the server goes on answering.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createLogger } from '../../cti/logging.js';
import { startServer, type RunningServer } from '../../main.js';
import { CLOSE_TOO_MANY_MESSAGES, CLOSE_TOO_MANY_SOCKETS, DEFAULT_LIMITS, MAX_FRAME_BYTES } from '../../softphone-bridge/ws-limits.js';
import { startPbxSim, type PbxSim } from '../pbx-sim/index.js';
import { registerPhones, testConfig } from '../support/harness.js';
import { simRequest, waitFor } from '../support/sim-client.js';
import { TestClock } from '../support/test-clock.js';

const MAX_SOCKETS = 6;
let sim: PbxSim;
let server: RunningServer;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  sim = await startPbxSim({ amiPort: 0, httpPort: 0 });
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
  });
  // A server sized for a few sockets in all (CTI_MAX_SOCKETS), so that the total is reached here.
  server = await startServer(testConfig(sim, { maxSockets: MAX_SOCKETS }), createLogger('warn', sink), { clock: new TestClock() });
  await waitFor(() => server.link.status().ami && server.link.status().ari, 'links up');
  await registerPhones(sim);
});
afterAll(async () => {
  await server.close();
  await sim.stop();
});

async function token(login: string): Promise<string> {
  return (await simRequest<{ token: string }>(server.httpUrl, 'POST', '/api/v1/auth/login', { username: login, password: 'demo' })).body.token;
}

/** Opens a socket and resolves once it is open (or with its close code if the server closes it first). */
function open(path: string, tokenValue: string): Promise<{ socket: WebSocket; closed: Promise<number> }> {
  const socket = new WebSocket(`${server.httpUrl.replace('http', 'ws')}${path}?token=${encodeURIComponent(tokenValue)}`);
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  socket.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    socket.once('message', () => resolve({ socket, closed }));
    socket.once('unexpected-response', () => reject(new Error('refused before the upgrade')));
    void closed.then((code) => reject(new Error(`closed with ${code} before its first message`)));
  });
}
const logged = (message: string) => logLines.some((l) => l['msg'] === message);
const healthy = async () => (await simRequest(server.httpUrl, 'GET', '/health')).status === 200;

describe('socket limits', () => {
  it('a frame over the limit closes the socket with 1009 and is logged; the server goes on', async () => {
    const { socket, closed } = await open('/ws/agent', await token('1001'));
    socket.send(JSON.stringify({ id: 'x', type: 'agent.notReady', reason: 'x'.repeat(MAX_FRAME_BYTES + 1) }));
    expect(await closed).toBe(1009);
    await waitFor(() => logged('socket closed: frame too large'), 'the log line');
    expect(await healthy()).toBe(true);
  });

  it('an account gets a few sockets, not more: the next is closed with 4429 and logged', async () => {
    const t = await token('super');
    const kept = [];
    for (let i = 0; i < DEFAULT_LIMITS.perAccount; i++) kept.push(await open('/ws/supervisor', t));
    const extra = new WebSocket(`${server.httpUrl.replace('http', 'ws')}/ws/supervisor?token=${encodeURIComponent(t)}`);
    const code = await new Promise<number>((resolve) => extra.once('close', (c) => resolve(c)));
    expect(code).toBe(CLOSE_TOO_MANY_SOCKETS);
    expect(logged('socket refused: too many sockets')).toBe(true);
    // Closing one makes room again.
    kept.pop()?.socket.close();
    await waitFor(async () => {
      try {
        const again = await open('/ws/supervisor', t);
        kept.push(again);
        return true;
      } catch {
        return false;
      }
    }, 'a socket admitted again');
    for (const k of kept) k.socket.close();
  });

  it('the server holds at most maxSockets in all: the next is closed with 4429, whoever opens it', async () => {
    const kept = [];
    for (const login of ['super', 'admin']) {
      const t = await token(login);
      for (let i = 0; i < MAX_SOCKETS / 2; i++) kept.push(await open('/ws/supervisor', t));
    }
    const extra = new WebSocket(`${server.httpUrl.replace('http', 'ws')}/ws/agent?token=${encodeURIComponent(await token('1003'))}`);
    const code = await new Promise<number>((resolve) => extra.once('close', (c) => resolve(c)));
    expect(code).toBe(CLOSE_TOO_MANY_SOCKETS);
    await waitFor(() => logLines.some((l) => l['msg'] === 'socket refused: too many sockets' && String(l['limit']).includes(`${MAX_SOCKETS} in all`)), 'the log line naming the total');
    for (const k of kept) k.socket.close();
  });

  it('a flood of messages closes the socket with 1008 and is logged; a normal pace is fine', async () => {
    const { socket, closed } = await open('/ws/agent', await token('1002'));
    const answers: unknown[] = [];
    socket.on('message', (data: Buffer) => answers.push(JSON.parse(data.toString())));
    for (let i = 0; i < DEFAULT_LIMITS.burst; i++) socket.send(JSON.stringify({ id: `ok${i}`, type: 'agent.notReady', reason: '小休' }));
    await waitFor(() => answers.filter((a) => (a as { type: string }).type === 'result').length === DEFAULT_LIMITS.burst, 'every message of the burst answered');
    for (let i = 0; i < DEFAULT_LIMITS.burst * 3; i++) socket.send(JSON.stringify({ id: `f${i}`, type: 'agent.notReady', reason: '小休' }));
    expect(await closed).toBe(CLOSE_TOO_MANY_MESSAGES);
    await waitFor(() => logged('socket closed: too many messages'), 'the log line');
    expect(await healthy()).toBe(true);
  });
});
