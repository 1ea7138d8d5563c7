/**
 * The rows the server writes and reads for a front-half call, for the floor to write too when the
 * bench asks it (BENCH_FLOOR_ROWS): raw SQL on better-sqlite3 over a database the bench migrated and
 * seeded like the server's, in the server's transactions and order. On arrival: the call row, the
 * day's ticket number, the ticket and its first event in one transaction, flushed to disk before the
 * greeting; then the caller's calls of the last hour and recent tickets read. On entering the queue:
 * the call's place in line. On hang-up: its end and the missed-call entry in one transaction.
 *
 * Why: the floor writes nothing, and the server must write a ticket for every call; with this the
 * bench tells the server's own overhead apart from the writes any 12345 application has to make.
 */
import Database from 'better-sqlite3';
import { open, type FileHandle } from 'node:fs/promises';
import { shanghaiDay } from '../../store/time.js';

interface Arrival {
  channelId: string;
  name: string;
  caller: string;
  dialled: string;
  at: string;
}

interface OpenCall {
  rowId: number;
  caller: string;
  dialled: string;
  arrivedMs: number;
  queuedMs: number | null;
}

/** The Shanghai day of `at` as yyMMdd, the ticket number's first six digits (as tickets.ts draws them). */
function ticketDay(at: string): string {
  return shanghaiDay(new Date(at)).replaceAll('-', '').slice(2);
}

export class MinimalRows {
  private readonly db: Database.Database;
  private readonly wal: Promise<FileHandle>;
  private readonly calls = new Map<string, OpenCall>();
  private readonly insertCall: Database.Statement;
  private readonly nextNumber: Database.Statement;
  private readonly insertTicket: Database.Statement;
  private readonly insertEvent: Database.Statement;
  private readonly callsSince: Database.Statement;
  private readonly recentTickets: Database.Statement;
  private readonly queue: Database.Statement;
  private readonly endCall: Database.Statement;
  private readonly missedOfCall: Database.Statement;
  private readonly missedCall: Database.Statement;
  private readonly arrival: (call: Arrival) => number;
  private readonly ending: (channelId: string, call: OpenCall, at: string, waitMs: number) => void;

  constructor(path: string) {
    this.db = new Database(path, { fileMustExist: true });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.insertCall = this.db.prepare(
      `insert into calls (linked_id, channel_id, channel_name, caller_number, dialled_number, arrived_at, direction)
       values (?, ?, ?, ?, ?, ?, 'inbound') returning *`,
    );
    this.nextNumber = this.db.prepare(
      'insert into ticket_sequences (day, last) values (?, 1) on conflict (day) do update set last = last + 1 returning last',
    );
    this.insertTicket = this.db.prepare(
      `insert into tickets (number, call_key, call_id, caller_number, dialled_number, hotline, status, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, 'accepted', ?, ?) returning *`,
    );
    this.insertEvent = this.db.prepare(
      `insert into ticket_events (ticket_id, at, actor, kind, to_status, note) values (?, ?, 'system', 'created', 'accepted', '来电受理')`,
    );
    this.callsSince = this.db.prepare('select count(*) as n from calls where caller_number = ? and arrived_at >= ?');
    this.recentTickets = this.db.prepare('select * from tickets where caller_number = ? order by created_at desc, id desc limit 20');
    this.queue = this.db.prepare(`update calls set state = 'queued', skill = 'general', queued_at = ? where linked_id = ?`);
    this.endCall = this.db.prepare(
      `update calls set ended_at = ?, outcome = 'abandoned', hangup_cause = null, state = 'ended', wait_ms = ? where linked_id = ?`,
    );
    this.missedOfCall = this.db.prepare('select id from missed_calls where call_id = ?');
    this.missedCall = this.db.prepare(
      `insert into missed_calls (call_id, caller_number, dialled_number, wait_ms, at) values (?, ?, ?, ?, ?)
       on conflict (caller_number) where status = 'pending'
       do update set call_id = excluded.call_id, dialled_number = excluded.dialled_number, wait_ms = excluded.wait_ms,
         at = excluded.at, abandoned_times = abandoned_times + 1`,
    );
    this.arrival = this.db.transaction((call: Arrival) => {
      const row = this.insertCall.get(call.channelId, call.channelId, call.name, call.caller, call.dialled, call.at) as { id: number };
      const day = ticketDay(call.at);
      const { last } = this.nextNumber.get(day) as { last: number };
      const ticket = this.insertTicket.get(`${day}${String(last).padStart(4, '0')}`, call.channelId, row.id, call.caller, call.dialled, '12345', call.at, call.at) as {
        id: number;
      };
      this.insertEvent.run(ticket.id, call.at);
      return row.id;
    });
    this.ending = this.db.transaction((channelId: string, call: OpenCall, at: string, waitMs: number) => {
      this.endCall.run(at, waitMs, channelId);
      if (call.queuedMs !== null && this.missedOfCall.get(call.rowId) === undefined) this.missedCall.run(call.rowId, call.caller, call.dialled, waitMs, at);
    });
    this.wal = open(`${path}-wal`, 'r');
  }

  /** The call row and ticket, on disk when this resolves; then the caller's history read. */
  async arrive(channelId: string, name: string, caller: string, dialled: string): Promise<void> {
    const now = Date.now();
    const at = new Date(now).toISOString();
    const rowId = this.arrival({ channelId, name, caller, dialled, at });
    this.calls.set(channelId, { rowId, caller, dialled, arrivedMs: now, queuedMs: null });
    await (await this.wal).datasync();
    this.callsSince.get(caller, new Date(now - 3_600_000).toISOString());
    this.recentTickets.all(caller);
  }

  queued(channelId: string): void {
    const call = this.calls.get(channelId);
    if (!call) return;
    call.queuedMs = Date.now();
    this.queue.run(new Date(call.queuedMs).toISOString(), channelId);
  }

  /** The caller hung up: the call's end, and the missed-call entry when they were waiting in line. */
  ended(channelId: string): void {
    const call = this.calls.get(channelId);
    if (!call) return;
    this.calls.delete(channelId);
    const now = Date.now();
    this.ending(channelId, call, new Date(now).toISOString(), now - (call.queuedMs ?? call.arrivedMs));
  }

  async close(): Promise<void> {
    await (await this.wal).close();
    this.db.close();
  }
}
