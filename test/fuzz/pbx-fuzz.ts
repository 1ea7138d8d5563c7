/**
 * Feeds a server linked to the fake PBX with generated AMI bytes, ARI frames and AstDB outage
 * records, and checks after each batch that it took them in its stride: both links still up on the
 * one session each (no reconnect, no leaked connection), the event stream still flowing (a sentinel
 * event sent after the batch arrives), nothing written to the database by what its edge refused,
 * and every readable outage record imported whatever garbage lies beside it.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { AmiEvent } from '../../cti/ami/ami-types.js';
import { parseAriEvent } from '../../cti/ari/ari-events.js';
import type { AriEvent } from '../../cti/ari/ari-types.js';
import { parseOutageRecord } from '../../cti/recovery/outage-records.js';
import type { RunningServer } from '../../main.js';
import type { Db } from '../../store/index.js';
import { rawRows } from '../../store/prepared.js';
import type { DbChanges } from './db-changes.js';
import type { FakePbx } from './fake-pbx.js';
import type { Findings } from './findings.js';
import type { AmiInput, AriInput, OutageInput } from './pbx-inputs.js';

const SENTINEL_WAIT_MS = 5000;

/** A count(*) as a number (PostgreSQL returns it as text). */
const countOf = async (db: Db, query: SQL): Promise<number> => Number((await rawRows<{ n: number | string }>(db, query))[0]?.n ?? 0);

/** Whether the server's ARI edge takes a frame as an event it acts on. */
export function ariAccepts(input: AriInput): AriEvent | null {
  try {
    return parseAriEvent(JSON.parse(typeof input.frame === 'string' ? input.frame : input.frame.toString('utf8')));
  } catch {
    return null;
  }
}

const shownAmi = (input: AmiInput) => (typeof input.raw === 'string' ? input.raw : `<binary ${input.raw.toString('hex').slice(0, 120)}>`);
const shownAri = (input: AriInput) => (typeof input.frame === 'string' ? input.frame : `<binary ${input.frame.toString('hex').slice(0, 120)}>`);

/** A sentinel awaited: resolved by the event listener when it arrives. */
class Sentinels {
  private readonly seen = new Set<string>();
  private readonly waiting = new Map<string, () => void>();

  arrived(name: string): void {
    this.seen.add(name);
    this.waiting.get(name)?.();
  }

  /** Whether `name` arrives within `ms`. */
  wait(name: string, ms = SENTINEL_WAIT_MS): Promise<boolean> {
    if (this.seen.delete(name)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(name);
        resolve(this.seen.delete(name));
      }, ms);
      this.waiting.set(name, () => {
        clearTimeout(timer);
        this.waiting.delete(name);
        this.seen.delete(name);
        resolve(true);
      });
    });
  }
}

export class PbxFuzzer {
  private seq = 0;
  private readonly amiSeen = new Sentinels();
  private readonly ariSeen = new Sentinels();

  constructor(
    private readonly server: RunningServer,
    private readonly pbx: FakePbx,
    private readonly changes: DbChanges,
    private readonly findings: Findings,
  ) {
    server.link.ami.on('event', (event: AmiEvent) => {
      if (event.name === 'FuzzSentinel' && event.fields['seq']) this.amiSeen.arrived(event.fields['seq']);
      else findings.answered('ami', 'event delivered');
    });
    server.link.ari.on('event', (event: AriEvent) => {
      if (event.type === 'EndpointStateChange' && event.endpoint.resource.startsWith('fuzz-sentinel-')) this.ariSeen.arrived(event.endpoint.resource);
      else findings.answered('ari', 'event delivered');
    });
  }

  /** The links as they should be: up, on one AMI session and one ARI event socket. */
  private linksIntact(surface: string, example: () => unknown): void {
    const { ami, ari } = this.server.link.status();
    if (!ami || !ari) this.findings.add(`${surface}: the ${!ami ? 'AMI' : 'ARI'} link went down`, example());
    if (this.pbx.amiSessions() !== 1) this.findings.add(`${surface}: ${this.pbx.amiSessions()} AMI sessions open (one expected)`, example());
    if (this.pbx.ariSockets() !== 1) this.findings.add(`${surface}: ${this.pbx.ariSockets()} ARI event sockets open (one expected)`, example());
  }

  async ami(batch: AmiInput[]): Promise<void> {
    this.changes.take();
    const seq = String(++this.seq);
    for (const input of batch) this.pbx.sendAmi(input.raw);
    // A blank line first: whatever half-line the batch left ends there.
    this.pbx.sendAmi(`\r\n\r\nEvent: FuzzSentinel\r\nSeq: ${seq}\r\n\r\n`);
    const flowed = await this.amiSeen.wait(seq);
    this.findings.tried('ami', batch.length);
    const example = () => batch.map(shownAmi).join('');
    if (!flowed) this.findings.add('ami: events stopped flowing (the sentinel after the batch never arrived)', example());
    this.linksIntact('ami', example);
    const changed = [...this.changes.take().keys()];
    if (changed.length > 0) this.findings.add(`ami: the frames changed ${changed.join(', ')}`, example());
  }

  /**
   * `strict`: only frames the server must not act on (refused at the edge, or about channels it
   * does not know), so the database must not change.
   */
  async ari(batch: AriInput[], strict: boolean): Promise<void> {
    this.changes.take();
    const resource = `fuzz-sentinel-${++this.seq}`;
    for (const input of batch) {
      this.pbx.sendAri(input.frame, input.binary);
      if (!ariAccepts(input)) this.findings.answered('ari', 'refused at the edge');
    }
    this.pbx.sendAri(JSON.stringify({ type: 'EndpointStateChange', timestamp: '2026-06-10T10:00:00.000+0800', application: 'hotline12345', endpoint: { technology: 'PJSIP', resource, state: 'offline', channel_ids: [] } }));
    const flowed = await this.ariSeen.wait(resource);
    this.findings.tried('ari', batch.length);
    const example = () => batch.map(shownAri);
    if (!flowed) this.findings.add('ari: events stopped flowing (the sentinel after the batch never arrived)', example());
    this.linksIntact('ari', example);
    const changed = [...this.changes.take().keys()];
    if (strict && changed.length > 0) this.findings.add(`ari: frames the server must ignore changed ${changed.join(', ')}`, example());
  }

  /** AstDB holds the records; one import pass; every readable finished record imported, the rest left alone. */
  async outage(records: OutageInput[]): Promise<void> {
    const db = this.server.store.db;
    this.pbx.astdb.clear();
    // As the server will read them: over AMI, in UTF-8 (a lone surrogate arrives as U+FFFD).
    records = records.map((r) => ({ key: Buffer.from(r.key).toString('utf8'), value: Buffer.from(r.value).toString('utf8') }));
    for (const r of records) this.pbx.astdb.set(r.key, r.value);
    // What the server can read of them: keys listed one by one (a comma splits a key), each value as served.
    const listed = new Set([...this.pbx.astdb.keys()].join(',').split(',').map((k) => k.trim()));
    const expected = records.filter((r) => listed.has(r.key) && this.pbx.astdb.get(r.key) === r.value && parseOutageRecord(r.key, r.value)?.done === true);
    const unreadable = records.filter((r) => this.pbx.astdb.get(r.key) === r.value && !parseOutageRecord(r.key, r.value));
    const before = await countOf(db, sql`select count(*) as n from calls`);
    this.findings.answered('outage', 'readable and finished', expected.length);
    this.findings.answered('outage', 'unreadable', unreadable.length);
    try {
      await this.server.outageImport.run();
    } catch (error) {
      this.findings.add(`outage: an import pass failed (${(error as Error).message.slice(0, 80)})`, records);
    }
    this.findings.tried('outage', records.length);
    for (const r of expected) {
      const n = await countOf(db, sql`select count(*) as n from calls where linked_id = ${r.key}`);
      if (!n) this.findings.add('outage: a readable finished record was not imported', { record: r, beside: records.filter((o) => o !== r) });
      else if (this.pbx.astdb.has(r.key)) this.findings.add('outage: an imported record was not removed from AstDB', r);
    }
    for (const r of unreadable) {
      if (!this.pbx.astdb.has(r.key)) this.findings.add('outage: an unreadable record was removed (it should stay for a person to look at)', r);
    }
    const after = await countOf(db, sql`select count(*) as n from calls`);
    if (after - before > records.length) this.findings.add('outage: more calls imported than there were records', records);
  }
}
