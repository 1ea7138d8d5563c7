/**
 * Asterisk's HTTP session limit (http.conf `sessionlimit`, 100 by default): connections beyond it are
 * closed the moment they arrive, with no answer, and counted. Not recorded: the behaviour comes from
 * main/http.c and a load run against a real Asterisk 22 (see README.md).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_SESSION_LIMIT, readHttpSessionLimit } from './config/readers.js';
import { defaultConfigDir } from './config/load.js';
import { startPbxSim, type PbxSim } from './index.js';
import { EventStream } from './support/ari-harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A copy of the product's configuration with `sessionlimit` set (or removed, for undefined). */
function configWithLimit(limit: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'sim-sessions-'));
  cpSync(defaultConfigDir(), dir, { recursive: true });
  const path = join(dir, 'http.conf');
  const text = readFileSync(path, 'utf8').replace(/^sessionlimit = .*\n/m, '');
  writeFileSync(path, limit === undefined ? text : text.replace('[general]\n', `[general]\nsessionlimit = ${limit}\n`));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function simWithLimit(limit: number): Promise<{ sim: PbxSim; warnings: string[] }> {
  const warnings: string[] = [];
  const sim = await startPbxSim({ configDir: configWithLimit(String(limit)), logger: { info: () => undefined, warn: (m) => warnings.push(m) } });
  cleanups.push(() => sim.stop());
  return { sim, warnings };
}

/** A raw TCP connection to the simulator's HTTP port, kept open until the test ends. */
function open(sim: PbxSim): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(sim.httpPort, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
    cleanups.push(() => void socket.destroy());
  });
}

/** Sends one ARI request on the socket: its status line, or `closed` when the server hung up without a word. */
function ask(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.includes('\r\n')) resolve(text.slice(0, text.indexOf('\r\n')));
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(text ? text.slice(0, text.indexOf('\r\n')) : 'closed'));
    const auth = Buffer.from('cti:cti-secret').toString('base64');
    socket.write(`GET /ari/channels HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic ${auth}\r\n\r\n`);
  });
}

describe('HTTP session limit', () => {
  it('reads sessionlimit from http.conf: the shipped 100, Asterisk\'s 100 when absent or invalid', () => {
    expect(readHttpSessionLimit(defaultConfigDir())).toBe(100);
    expect(readHttpSessionLimit(configWithLimit(undefined))).toBe(DEFAULT_HTTP_SESSION_LIMIT);
    expect(readHttpSessionLimit(configWithLimit('0'))).toBe(100);
    expect(readHttpSessionLimit(configWithLimit('lots'))).toBe(100);
    expect(readHttpSessionLimit(configWithLimit('8'))).toBe(8);
  });

  it('closes a connection beyond the limit at once and unanswered, logs and counts it; a freed session can be used again', async () => {
    const { sim, warnings } = await simWithLimit(3);
    const held = [await open(sim), await open(sim), await open(sim)];
    expect(await ask(held[0] as Socket)).toBe('HTTP/1.1 200 OK');

    const extra = await open(sim);
    expect(await ask(extra)).toBe('closed');
    expect(warnings).toContain('pbx-sim: HTTP session count exceeded 3 sessions.');
    expect(sim.httpSessions()).toMatchObject({ limit: 3, open: 3, peak: 3, refused: 1 });

    held[1]?.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(await ask(await open(sim))).toBe('HTTP/1.1 200 OK');
  });

  it('counts the events WebSocket as a session, as Asterisk does', async () => {
    const { sim } = await simWithLimit(2);
    const events = await EventStream.open(sim.httpUrl, 'hotline12345');
    cleanups.push(() => events.close());
    await open(sim);
    expect(await ask(await open(sim))).toBe('closed');
    expect(sim.httpSessions()).toMatchObject({ open: 2, refused: 1 });
  });

  it('refuses the next connections on request (control API), whatever the limit', async () => {
    const { sim } = await simWithLimit(100);
    const res = await fetch(`${sim.httpUrl}/sim/http/refuse`, { method: 'POST', body: JSON.stringify({ connections: 2 }) });
    expect(res.status).toBe(202);
    expect(await ask(await open(sim))).toBe('closed');
    expect(await ask(await open(sim))).toBe('closed');
    expect(await ask(await open(sim))).toBe('HTTP/1.1 200 OK');
    const stats = (await (await fetch(`${sim.httpUrl}/sim/http`)).json()) as { refused: number; limit: number };
    expect(stats).toMatchObject({ limit: 100, refused: 2 });
    const bad = await fetch(`${sim.httpUrl}/sim/http/refuse`, { method: 'POST', body: JSON.stringify({ connections: 0 }) });
    expect(bad.status).toBe(400);
  });
});
