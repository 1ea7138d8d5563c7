/**
 * Fuzzing the HTTP surfaces with fast-check and a fixed seed: (a) the admin API and (b) tickets,
 * calendar and login — requests generated from the OpenAPI document the server publishes (every
 * operation's path parameters, query string, body, content type and token, fitting or hostile).
 *
 * Throughout: the server never crashes (no uncaught exception, no unhandled rejection), answers
 * GET /health with 200, refuses what its published schemas (or the roles) rule out with a 4xx and
 * `{error}`, never a 5xx, and a refused request changes nothing in the database. The sockets and the
 * PBX side are in live-surfaces.test.ts. `FUZZ_SEED=<n>` replays or explores another run,
 * `FUZZ_SCALE=<x>` multiplies the number of inputs.
 */
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAgents } from '../../store/index.js';
import { startHarness, type Harness } from '../support/harness.js';
import { seedCall } from '../support/seed-calls.js';
import { simRequest } from '../support/sim-client.js';
import { login } from '../admin-api/admin-client.js';
import { DbChanges } from './db-changes.js';
import { fuzzRun, runs, seconds, seedFor } from './fuzz-run.js';
import { HttpFuzzer } from './http-fuzz.js';
import { httpInputs, operationsOf, type FuzzContext, type Role } from './http-inputs.js';
import { RawHttpClient } from './raw-http.js';

const run = fuzzRun('http');
const BATCH = 24;

describe('fuzz: HTTP', () => {
  let harness: Harness;
  let client: RawHttpClient;
  let changes: DbChanges;
  let roles: Record<Role, string>;
  /** Sessions for `logout` to end (it would end the test's own otherwise). */
  const disposable: string[] = [];

  beforeAll(async () => {
    harness = await startHarness();
    // Tickets to read, fill and move: finished calls as call handling writes them.
    const agents = ['1001', '1002', undefined];
    for (let i = 0; i < 12; i++) {
      const agent = agents[i % 3];
      await seedCall(harness.server.store.db, '2026-06-10', {
        id: `fuzz-${i}`,
        caller: `1380013800${i % 10}`,
        dialled: i % 3 === 0 ? '12315' : '12345',
        hotline: i % 3 === 0 ? '12315 市场监管热线' : '12345 政务服务便民热线',
        at: `0${8 + (i % 2)}:${10 + i}`,
        waitS: 5,
        handleS: 60,
        outcome: i % 4 === 3 ? 'abandoned' : 'answered',
        ...(agent ? { agent } : {}),
      });
    }
    const url = harness.server.httpUrl;
    // Every login first: the fuzzing's failed logins lock names.
    roles = { admin: await login(url, 'admin'), supervisor: await login(url, 'super'), agent: await login(url, '1001') };
    for (let i = 0; i < 6; i++) disposable.push(await login(url, '1005'));
    client = new RawHttpClient(url, 16);
    changes = new DbChanges(harness.server.store.db);
  }, 30_000);

  afterAll(async () => {
    client?.close();
    changes?.close();
    await harness?.stop();
  });

  it('admin API, tickets, calendar and login: refusals are 4xx and change nothing, never a 5xx', async () => {
    const url = harness.server.httpUrl;
    const operations = operationsOf((await simRequest(url, 'GET', '/docs/json')).body);
    expect(operations.length).toBeGreaterThan(40);
    const db = harness.server.store.db;
    const context: FuzzContext = {
      tokens: roles,
      disposable,
      ticketNumbers: db.all<{ number: string }>(sql`select number from tickets`).map((r) => r.number),
      protectedAgentIds: (await listAgents(db)).map((a) => a.id),
    };
    const fuzzer = new HttpFuzzer(client, changes, run.findings, roles);
    let batches = 0;
    const t0 = performance.now();
    await fc.assert(
      fc.asyncProperty(fc.array(httpInputs(operations, context), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        await fuzzer.run(batch);
        if (++batches % 100 === 0) await run.healthy(url, 'http');
      }),
      { seed: seedFor(1), numRuns: runs(1700) },
    );
    const { together, alone, requestsAlone } = fuzzer.timing;
    console.log(`fuzz http: ${batches * BATCH} requests in ${seconds(t0)} s (${(together / 1000).toFixed(1)} s in concurrent batches, ${(alone / 1000).toFixed(1)} s for ${requestsAlone} one at a time)`);
    expect(await run.healthy(url, 'http')).toBe(true);
    // The test's own sessions lived through it (else most of the run met nothing but 401s).
    for (const [role, token] of Object.entries(roles)) {
      const res = await client.send({ method: 'GET', path: '/api/v1/meta/endpoints', headers: { Authorization: `Bearer ${token}` } });
      expect(res.status, `the ${role} session of the fuzz test was ended by a generated request`).toBe(200);
    }
    // The inputs got through to the code behind the validation, not only to the refusals.
    for (const surface of ['admin-api', 'tickets', 'calendar']) expect(run.findings.answersOf(surface, '2xx'), `${surface} accepted nothing`).toBeGreaterThan(0);
    run.expectClean('admin-api', 'tickets', 'calendar', 'auth', 'http');
  }, 180_000);
});
