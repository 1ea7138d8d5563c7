/**
 * A citizen's call is answered at once and recorded a moment later: the answer request leaves before
 * the arrival's commit (which waits for the disk), the call row and its ticket are committed before
 * the first prompt is asked for, and whatever the caller does in between, hanging up included,
 * reaches the call.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls } from '../../store/index.js';
import type { AriRequestRecord } from '../pbx-sim/ari/server.js';
import { startHarness, type Harness } from '../support/harness.js';
import { placeCall, waitFor } from '../support/sim-client.js';

let h: Harness;
let dir: string;
let reader: Database.Database;
/** Per caller channel: whether its call row and ticket were committed when its first prompt was asked for. */
const committedAtFirstPrompt = new Map<string, { call: number; ticket: number }>();
/** Callers to hang up the instant they enter the application. */
const hangUpOnEntry = new Set<string>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cti-answer-first-'));
  const dbPath = join(dir, 'cti.db');
  h = await startHarness({ dbPath }, {
    onAriRequest: (request: AriRequestRecord) => {
      const play = /^\/channels\/([^/]+)\/play/.exec(request.path);
      if (request.method !== 'POST' || !play?.[1] || committedAtFirstPrompt.has(play[1])) return;
      // A second connection sees only what was committed.
      const count = (sql: string) => (reader.prepare(sql).get(play[1]) as { n: number }).n;
      committedAtFirstPrompt.set(play[1], {
        call: count('select count(*) as n from calls where linked_id = ?'),
        ticket: count('select count(*) as n from tickets where call_key = ?'),
      });
    },
  });
  reader = new Database(dbPath, { readonly: true });
  h.sim.core.subscribe((event) => {
    if (event.type !== 'stasis.start' || !hangUpOnEntry.delete(event.channel.id)) return;
    // Right behind the StasisStart, before the server has had a turn: the hang-up reaches it in the
    // same read as the arrival, while the call is answered but not recorded yet.
    const id = event.channel.id;
    queueMicrotask(() => h.sim.core.hangup(id, 16));
  });
});
afterAll(async () => {
  reader.close();
  await h.stop();
  rmSync(dir, { recursive: true, force: true });
});

const rowOf = async (id: string) => (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1))[0];

describe('answered first, recorded before the first prompt', () => {
  it('the call row and its ticket are on disk before the greeting is asked for', async () => {
    const id = await placeCall(h.sim.httpUrl, '13800138001', '12345');
    expect(await waitFor(() => committedAtFirstPrompt.get(id), 'the first prompt')).toEqual({ call: 1, ticket: 1 });
    await waitFor(async () => (await rowOf(id))?.state === 'queued', 'the caller queued', 10_000);
    h.sim.core.hangup(id, 16);
    await waitFor(async () => (await rowOf(id))?.endedAt, 'the call ended');
  });

  it('a caller who hangs up the instant the call enters is recorded and ended, not left live', async () => {
    const id = 'gone-at-once';
    hangUpOnEntry.add(id);
    const placed = await fetch(`${h.sim.httpUrl}/sim/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '13800138002', to: '12345', channelId: id }),
    });
    expect(placed.status).toBe(201);
    expect(hangUpOnEntry.has(id)).toBe(false);
    const row = await waitFor(async () => {
      const current = await rowOf(id);
      return current?.endedAt ? current : undefined;
    }, 'the call ended', 10_000);
    expect(row).toMatchObject({ outcome: 'abandoned', state: 'ended' });
    expect(h.server.calls.call(id)).toBeUndefined();
    expect(committedAtFirstPrompt.has(id)).toBe(false);
  });
});
