/**
 * The store's share of a front-half call, alone: what the server asks of the database for one citizen
 * who calls, is greeted, waits in line and hangs up (the bench's front half), run call after call in
 * this one process on a fresh SQLite file seeded like the bench's, with the same functions the server
 * uses. It prints the process's CPU per call (user and system: a commit's WAL writes and locks are
 * system time) and the wall time.
 *
 * Why: the front half's CPU ratio moves by ±20 % from run to run with the machine, far more than any
 * one change to the store saves; this loop reads the same within a few per cent, so a store change
 * can be measured here first. In the server the same work costs about twice as much (its caches are
 * cold between calls), and the order below has to follow the call path's if that changes:
 * the arrival (call row and ticket, one durable commit), the routing reads, the caller's history,
 * the place in line, the end with the missed-call entry.
 *
 *   npx tsc -p tsconfig.build.json && node dist/test/bench/store-path.js [calls]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AriChannel } from '../../cti/ari/ari-types.js';
import { CallWrites } from '../../cti/calls/call-writes.js';
import { callerHistory } from '../../cti/calls/caller-history.js';
import { silentLogger } from '../../cti/logging.js';
import { admitInboundCall } from '../../cti/stasis/inbound-arrival.js';
import { countCallsFromSince, findActiveBlock, findActiveRoute, getSetting, listRoutes, listSkills, openDatabase, seedDemo, type Db } from '../../store/index.js';

const WARM_UP_CALLS = 1_000;
const calls = Number(process.argv[2] ?? 3_000);
if (!Number.isInteger(calls) || calls < 1) throw new Error(`the number of calls must be a whole number from 1, got ${process.argv[2]}`);

/** The simulated time of the calls: 25 ms apart (40 calls/s), from a fixed day (no test reads the clock). */
const FIRST_CALL_AT = Date.parse('2026-12-01T08:00:00.000Z');
const GREETING_MS = 405;
const HOLD_MS = 3_000;

/** One for the whole loop: each pino made anew opens a stream of its own (and flushes it as it goes). */
const log = silentLogger();

async function oneCall(db: Db, writes: CallWrites, i: number): Promise<void> {
  const at = FIRST_CALL_AT + i * 25;
  const now = new Date(at);
  const id = `bench-store.${i}`;
  const caller = `139${String(i).padStart(8, '0')}`;
  const channel: AriChannel = {
    id,
    name: `PJSIP/trunk-${i}`,
    state: 'Up',
    caller: { number: caller, name: '' },
    connected: { number: '', name: '' },
    dialplan: { context: 'from-trunk', exten: '12345', priority: 1, appName: 'Stasis', appData: 'hotline12345,12345' },
    creationTime: now.toISOString(),
    language: 'zh',
  };
  const arrived = await admitInboundCall(db, channel, '12345', log, now, null);
  // The routing (call-handling.ts, routeFor): the repeat-call policy and count, the routes, the blacklist.
  await getSetting(db, 'repeat-call-policy');
  await countCallsFromSince(db, caller, new Date(at - 60 * 60_000).toISOString());
  await findActiveRoute(db, '12345');
  await listRoutes(db);
  await findActiveBlock(db, caller, now);
  // The greeting: the caller's recent tickets for the screen-pop; then the queue's skill.
  await callerHistory(db, log, id, caller).ready;
  await listSkills(db);
  const general = (await listSkills(db)).find((s) => s.code === 'general');
  // By its id, as the call path writes it (the row's code read by the skill's key in the same statement).
  writes.together(id, () => writes.queued(id, general ?? 'general', new Date(at + GREETING_MS).toISOString()));
  await writes.drain(id);
  // The caller hangs up in line: the last transition, the end and the missed-call entry in one commit.
  const waitMs = HOLD_MS;
  writes.together(id, () => {
    writes.state(id, 'ended');
    writes.end(id, 'ended', { outcome: 'abandoned', hangupCause: null, at: new Date(at + GREETING_MS + HOLD_MS).toISOString(), waitMs }, { callRowId: arrived.callId, callerNumber: caller, dialledNumber: '12345', waitMs });
  });
  await writes.drain(id);
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'cti-store-path-'));
  const store = await openDatabase(join(work, 'cti.db'));
  try {
    await seedDemo(store.db, { passwordHash: () => 'not-a-login' });
    const writes = new CallWrites(store.db, log);
    for (let i = 0; i < WARM_UP_CALLS; i++) await oneCall(store.db, writes, i);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (let i = WARM_UP_CALLS; i < WARM_UP_CALLS + calls; i++) await oneCall(store.db, writes, i);
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const perCall = (us: number) => (us / 1000 / calls).toFixed(3);
    process.stdout.write(
      `store path of a front-half call (SQLite, ${calls} calls after ${WARM_UP_CALLS} uncounted): CPU ${perCall(cpu.user + cpu.system)} ms/call ` +
        `(user ${perCall(cpu.user)}, system ${perCall(cpu.system)}), wall ${(wallMs / calls).toFixed(3)} ms/call\n`,
    );
  } finally {
    await store.close();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
