import { sql } from 'drizzle-orm';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  StoreError} from '../../store/index.js';
import {
  atomically,
  changeTicketStatus,
  createRoute,
  createSkill,
  deleteSkill,
  findActiveBlock,
  findActiveRoute,
  listAgents,
  findCallByLinkedId,
  listRoutes,
  nowIso,
  openStore,
  openTicketForCall,
  progressWrite,
  putBlacklistEntry,
  recordCallArrival,
  searchTickets,
  seedDemo,
  setCallState,
  ticketHistory,
  updateRoute,
  type Store,
} from '../../store/index.js';

/** The innermost message of what `run` throws (drizzle wraps SQLite's error in `cause`). */
function rootMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    let e: unknown = error;
    while (e instanceof Error && e.cause instanceof Error) e = e.cause;
    return e instanceof Error ? e.message : String(e);
  }
  return 'did not throw';
}

const opened: Store[] = [];
function open(path = ':memory:'): Store {
  const store = openStore(path);
  opened.push(store);
  return store;
}
afterEach(async () => {
  while (opened.length) await opened.pop()?.close();
});

const arrival = (linkedId: string, at = new Date('2026-11-22T01:00:00Z')) => ({
  callKey: linkedId,
  callId: null,
  callerNumber: '13800138000',
  dialledNumber: '12345',
  routeId: null,
  hotline: '12345',
  at,
});

describe('database file', () => {
  it('is created with WAL, foreign keys on, and every migration applied', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cti-store-'));
    const { db } = open(join(dir, 'nested', 'cti.db'));
    expect(db.get<{ journal_mode: string }>(sql`pragma journal_mode`).journal_mode).toBe('wal');
    expect(db.get<{ foreign_keys: number }>(sql`pragma foreign_keys`).foreign_keys).toBe(1);
    const tables = db
      .all<{ name: string }>(sql`select name from sqlite_master where type = 'table' order by name`)
      .map((t) => t.name);
    for (const t of ['calls', 'tickets', 'ticket_events', 'agents', 'skills', 'agent_skills', 'routes', 'expert_seats',
      'department_contacts', 'ivr_menus', 'blacklist', 'audit_log']) {
      expect(tables).toContain(t);
    }
  });

  it('opening an existing database again applies nothing twice and keeps its rows', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cti-store-')), 'cti.db');
    const first = openStore(path);
    await openTicketForCall(first.db, arrival('100.1'));
    void first.close();
    const again = open(path);
    expect((await openTicketForCall(again.db, arrival('100.1'))).created).toBe(false);
  });
});

describe('tickets', () => {
  it('one call makes one ticket, even when the arrival is delivered twice', async () => {
    const { db } = open();
    const first = await openTicketForCall(db, arrival('1795312603.4'));
    const second = await openTicketForCall(db, arrival('1795312603.4'));
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.ticket.id).toBe(first.ticket.id);
    expect(db.get<{ n: number }>(sql`select count(*) as n from tickets`).n).toBe(1);
    expect((await ticketHistory(db, first.ticket.id)).map((e) => e.kind)).toEqual(['created']);
  });

  it('a new call whose key already has a ticket keeps that ticket, and the numbers of the day stay without a gap', async () => {
    const { db } = open();
    const earlier = await openTicketForCall(db, arrival('1795312603.7'));
    // The look-up is skipped for a call created in the same transaction; the unique key still holds.
    const again = await openTicketForCall(db, { ...arrival('1795312603.7'), newCall: true });
    const next = await openTicketForCall(db, arrival('1795312603.8'));
    expect(again.created).toBe(false);
    expect(again.ticket.id).toBe(earlier.ticket.id);
    expect(Number(next.ticket.number)).toBe(Number(earlier.ticket.number) + 1);
    expect(db.get<{ n: number }>(sql`select count(*) as n from tickets`).n).toBe(2);
  });

  it('two connections racing on the same call still make one ticket', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cti-store-')), 'cti.db');
    const a = open(path);
    const b = open(path);
    const ra = await openTicketForCall(a.db, arrival('race.1'));
    const rb = await openTicketForCall(b.db, arrival('race.1'));
    expect([ra.created, rb.created].sort()).toEqual([false, true]);
    expect(ra.ticket.number).toBe(rb.ticket.number);
  });

  it('numbers are digits a caller can key: Shanghai date then a daily sequence', async () => {
    const { db } = open();
    // 2026-11-22T17:00Z is already 23 November in Shanghai.
    const late = (await openTicketForCall(db, arrival('a', new Date('2026-11-22T17:00:00Z')))).ticket.number;
    const next = (await openTicketForCall(db, arrival('b', new Date('2026-11-22T18:00:00Z')))).ticket.number;
    expect(late).toBe('2611230001');
    expect(next).toBe('2611230002');
    expect((await openTicketForCall(db, arrival('c', new Date('2026-11-22T01:00:00Z')))).ticket.number).toBe('2611220001');
  });

  it('past 9999 tickets a day the sequence simply gets longer, still in order', async () => {
    const { db } = open();
    const at = new Date('2026-11-22T01:00:00Z');
    await openTicketForCall(db, arrival('n.1', at));
    db.run(sql`update ticket_sequences set last = 9998 where day = '261122'`);
    const numbers: string[] = [];
    for (const key of ['n.2', 'n.3', 'n.4']) numbers.push((await openTicketForCall(db, arrival(key, at))).ticket.number);
    expect(numbers).toEqual(['2611229999', '26112210000', '26112210001']);
    // A repeated arrival takes no number.
    expect((await openTicketForCall(db, arrival('n.4', at))).ticket.number).toBe('26112210001');
    expect((await openTicketForCall(db, arrival('n.5', at))).ticket.number).toBe('26112210002');
  });

  it('a status change is applied with its event, and a stale one changes nothing', async () => {
    const { db } = open();
    const { ticket } = await openTicketForCall(db, arrival('s.1'));
    const move = { ticketId: ticket.id, from: 'accepted', to: 'dispatched', actor: '1001', kind: 'dispatch', at: new Date('2026-06-10T02:00:00Z') } as const;
    expect(await changeTicketStatus(db, move)).toBe(true);
    expect(await changeTicketStatus(db, move)).toBe(false);
    expect((await ticketHistory(db, ticket.id)).map((e) => [e.fromStatus, e.toStatus])).toEqual([
      [null, 'accepted'],
      ['accepted', 'dispatched'],
    ]);
  });

  it('history is append-only: the database refuses to edit or delete it', async () => {
    const { db } = open();
    await openTicketForCall(db, arrival('h.1'));
    expect(rootMessage(() => db.run(sql`update ticket_events set note = 'x'`))).toMatch(/append-only/);
    expect(rootMessage(() => db.run(sql`delete from ticket_events`))).toMatch(/append-only/);
  });

  it('a hotline search takes %, _ and \\ literally', async () => {
    const { db } = open();
    await openTicketForCall(db, { ...arrival('l.1'), hotline: '12345 政务服务便民热线' });
    await openTicketForCall(db, { ...arrival('l.2'), hotline: '12315 市场监管_投诉' });
    const search = async (hotline: string) => (await searchTickets(db, { hotline, page: 1, pageSize: 10 })).items.map((t) => t.callKey);
    expect(await search('%')).toEqual([]);
    expect(await search('1_345')).toEqual([]);
    expect(await search('\\')).toEqual([]);
    expect(await search('监管_投诉')).toEqual(['l.2']);
    expect(await search('便民')).toEqual(['l.1']);
  });
});

describe('durability', () => {
  it('a database file stays at NORMAL (durable commits wait for the WAL flush instead); a failed progress write leaves nothing', async () => {
    const store = open(join(mkdtempSync(join(tmpdir(), 'cti-store-')), 'cti.db'));
    const { db } = store;
    const synchronous = () => db.get<{ synchronous: number }>(sql`pragma synchronous`).synchronous;
    await recordCallArrival(db, { linkedId: 'c1', channelId: 'c1', channelName: 'PJSIP/trunk-1', callerNumber: '13800138000', dialledNumber: '12345', routeId: null, arrivedAt: '2026-11-22T01:00:00.000Z' });
    expect(synchronous()).toBe(1); // NORMAL
    await setCallState(db, 'c1', 'queued');
    expect(synchronous()).toBe(1);
    await expect(
      progressWrite(db, async (tx) => {
        await setCallState(tx, 'c1', 'ivr');
        throw new Error('half way');
      }),
    ).rejects.toThrow('half way');
    expect(synchronous()).toBe(1);
    expect((await findCallByLinkedId(db, 'c1'))?.state).toBe('queued');
    // Inside a transaction it is simply part of it.
    await atomically(db, (tx) => setCallState(tx, 'c1', 'connected'));
    expect((await findCallByLinkedId(db, 'c1'))?.state).toBe('connected');
  });

  it('without a WAL file a progress write commits at NORMAL and the store is back to FULL after it, failed or not', async () => {
    const { db } = open(':memory:');
    const synchronous = () => db.get<{ synchronous: number }>(sql`pragma synchronous`).synchronous;
    await recordCallArrival(db, { linkedId: 'm1', channelId: 'm1', channelName: 'PJSIP/trunk-1', callerNumber: '13800138000', dialledNumber: '12345', routeId: null, arrivedAt: '2026-11-22T01:00:00.000Z' });
    expect(synchronous()).toBe(2); // FULL
    const during: number[] = [];
    await progressWrite(db, async (tx) => {
      during.push(synchronous());
      await setCallState(tx, 'm1', 'queued');
    });
    expect(during).toEqual([1]);
    expect(synchronous()).toBe(2);
    await expect(
      progressWrite(db, async (tx) => {
        await setCallState(tx, 'm1', 'ivr');
        throw new Error('half way');
      }),
    ).rejects.toThrow('half way');
    expect(synchronous()).toBe(2);
    expect((await findCallByLinkedId(db, 'm1'))?.state).toBe('queued');
  });
});

describe('calls', () => {
  it('records an arrival once per linkedid', async () => {
    const { db } = open();
    const input = {
      linkedId: 'L1',
      channelId: 'C1',
      channelName: 'PJSIP/trunk-00000001',
      callerNumber: '13800138000',
      dialledNumber: '12345',
      routeId: null,
      arrivedAt: '2026-06-10T02:00:00.000Z',
    };
    expect((await recordCallArrival(db, input)).created).toBe(true);
    expect((await recordCallArrival(db, input)).created).toBe(false);
  });
});

describe('configuration', () => {
  it('a route change applies to the next lookup, also one made inside a transaction, and a rollback leaves nothing behind', async () => {
    const { db } = open();
    await createRoute(db, { number: '12369', name: '环保', mode: 'whole', prompt: 'notice-12369' });
    expect((await findActiveRoute(db, '12369'))?.name).toBe('环保');
    await updateRoute(db, (await findActiveRoute(db, '12369'))?.id ?? 0, { name: '生态环境' });
    expect((await findActiveRoute(db, '12369'))?.name).toBe('生态环境');
    await expect(
      atomically(db, async (tx) => {
        await createRoute(tx, { number: '12358', name: '价格', mode: 'whole', prompt: 'notice-12358' });
        expect((await findActiveRoute(tx, '12358'))?.name).toBe('价格');
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await findActiveRoute(db, '12358')).toBeUndefined();
    expect((await listRoutes(db)).map((r) => r.number)).toEqual(['12369']);
  });

  it("rows written inside a transaction carry the store's clock, not the machine's", () => {
    const store = openStore(':memory:', { now: () => new Date('2031-01-02T03:04:05.000Z') });
    opened.push(store);
    const at = store.db.transaction((tx) => nowIso(tx));
    expect(at).toBe('2031-01-02T03:04:05.000Z');
  });

  it('refuses to delete a skill a route still uses, with a reason', async () => {
    const { db } = open();
    const skill = await createSkill(db, { code: 'general', name: '综合受理' });
    await createRoute(db, { number: '12345', name: '12345', mode: 'main', skillId: skill.id });
    await expect(deleteSkill(db, skill.id)).rejects.toThrow(expect.objectContaining({ kind: 'conflict' }) as StoreError);
    expect((await listRoutes(db))[0]?.skillId).toBe(skill.id);
  });

  it('a disabled route is not found for calls', async () => {
    const { db } = open();
    await createRoute(db, { number: '12369', name: '环保', mode: 'whole', enabled: false });
    expect(await findActiveRoute(db, '12369')).toBeUndefined();
    expect(await listRoutes(db)).toHaveLength(1);
  });

  it('a blacklist entry blocks until it expires', async () => {
    const { db } = open();
    await putBlacklistEntry(db, { number: '13900000000', reason: '恶意骚扰', expiresAt: '2026-12-01T00:00:00.000Z', createdBy: 'admin' });
    expect((await findActiveBlock(db, '13900000000', new Date('2026-11-30T00:00:00Z')))?.reason).toBe('恶意骚扰');
    expect(await findActiveBlock(db, '13900000000', new Date('2026-12-02T00:00:00Z'))).toBeUndefined();
  });

  it('demo data loads into an empty database only', async () => {
    const { db } = open();
    const hashed: string[] = [];
    const passwordHash = () => {
      hashed.push('demo');
      return 'not-a-real-hash';
    };
    expect(await seedDemo(db, { passwordHash })).toBe(true);
    // A database that already holds a configuration gets nothing, and costs no password hash.
    expect(await seedDemo(db, { passwordHash })).toBe(false);
    expect(hashed).toEqual(['demo']);
    expect((await listRoutes(db)).map((r) => `${r.number}:${r.mode}`)).toEqual([
      '12315:parallel',
      '12333:whole',
      '12345:main',
      '12366:subcentre',
    ]);
    const wang = (await listAgents(db)).find((a) => a.login === '1001');
    expect(wang?.skills.map((s) => s.code)).toEqual(['general', 'enterprise']);
    expect(wang).not.toHaveProperty('passwordHash');
  });
});
