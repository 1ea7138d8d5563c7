/**
 * Imports the calls the dialplan's survival path took while the server was not taking calls
 * (outage-records.ts): each becomes a call row flagged `during_outage` and a ticket, as a normal
 * call would, with its outcome — answered by the agent whose phone took it, or abandoned and put on
 * the missed-call callback list — and a history note; then its AstDB record is deleted.
 *
 * Runs at start and whenever the links to Asterisk come back (both AMI and ARI up), and again when
 * a call still on the survival path at the last run, or one the server handed to it (its arrival
 * could not be recorded: cti/stasis/survival-handover.ts), hangs up, as the recovery step `outage-import`
 * (so /health says the server is recovering meanwhile). A record without its end whose channel
 * Asterisk no longer has (ARI answers 404: the call was lost, e.g. in an Asterisk restart, before its
 * hang-up handler ran) is imported at once as a lost call — abandoned, on the missed-call list; the
 * six-hour limit only covers records whose channel cannot be asked about. Idempotent: the call
 * row, ticket, note and missed-call entry are written in one transaction keyed on the call's
 * uniqueid, and the record is deleted only after that commits; a crash in between leaves a record
 * whose call exists, and the next run only deletes it.
 */
import {
  appendTicketEvent,
  atomically,
  closeMissedCallsGotThrough,
  completeImportedCall,
  findAgentByEndpoint,
  listRoutes,
  openTicketForCall,
  recordCallArrival,
  recordMissedCall,
  setTicketAgent,
  setTicketRecording,
  type Clock,
  type Db,
} from '../../store/index.js';
import { isWithheldNumber } from '../../routing/caller-identity.js';
import { servingRoute } from '../../routing/route-decision.js';
import { maskNumber, type Logger } from '../logging.js';
import type { AmiEvent } from '../ami/ami-types.js';
import { AriError } from '../ari/ari-types.js';
import type { PbxLink } from '../nodes/pbx-link.js';
import { parseOutageRecord, type OutageRecord, type OutageRecordStore } from './outage-records.js';
import type { RecoveryStatus } from './recovery-status.js';

export const OUTAGE_IMPORT_STEP = 'outage-import';
/** A record still without its hang-up part after this long: Asterisk lost the call (restart), even if it could not be asked. */
const STALE_AFTER_MS = 6 * 3600_000;
/** While calls of the survival path are still going on, look again this often (and as soon as one ends). */
const RETRY_MS = 60_000;

/** How a call came to the survival path, as its ticket line opens: the server was away, or it handed the caller over. */
const DURING_OUTAGE = '系统离线期间来电';
/** For a call the server handed over (cti/stasis/survival-handover.ts), e.g. `${HANDED_OVER_NOTE}，由 Asterisk 排队接听（话务员 1001）`. */
export const HANDED_OVER_NOTE = '来电登记超时转入应急排队';
const ANSWERED = '由 Asterisk 排队接听';
const ABANDONED = '来电人在 Asterisk 排队中未接通即挂机，已列入漏接回拨';
const LOST = 'Asterisk 未留下通话结果（可能已重启），已列入漏接回拨';
export const OUTAGE_NOTE_ANSWERED = `${DURING_OUTAGE}，${ANSWERED}`;
export const OUTAGE_NOTE_ABANDONED = `${DURING_OUTAGE}，${ABANDONED}`;

export interface OutageImportResult {
  imported: number;
  /** Records of calls still going on, left for a later run. */
  pending: number;
}

export class OutageImporter {
  private running: Promise<OutageImportResult> | null = null;
  private again = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = true;
  /** Records of calls still going on at the last pass: each one's hang-up (AMI Hangup) brings the next pass. */
  private readonly pendingKeys = new Set<string>();
  private readonly onLinkUp = (): void => {
    if (this.link.ami.isConnected && this.link.ari.isConnected) void this.run().catch(() => undefined);
  };
  /** Callers the server itself handed to the survival path: each one's hang-up brings a pass. */
  private readonly handedOver = new Set<string>();
  private readonly onAmiEvent = (event: AmiEvent): void => {
    // The hangup handler has completed the record by the time Asterisk reports the channel gone.
    const key = event.name === 'Hangup' ? (event.fields.uniqueid ?? '') : '';
    if (key && (this.handedOver.delete(key) || this.pendingKeys.has(key))) this.onLinkUp();
  };

  constructor(
    /** `node`: the Asterisk node whose survival path this importer reads (its calls are tagged with it). */
    private readonly deps: { db: Db; clock: Clock; log: Logger; recovery: RecoveryStatus; records: OutageRecordStore; node?: string },
    private readonly link: PbxLink,
  ) {}

  /** Imports now if both links are up, and again every time one of them comes back. */
  start(): void {
    this.stopped = false;
    this.link.ami.on('connected', this.onLinkUp);
    this.link.ari.on('connected', this.onLinkUp);
    this.link.ami.on('event', this.onAmiEvent);
    this.onLinkUp();
  }

  stop(): void {
    this.stopped = true;
    this.link.ami.off('connected', this.onLinkUp);
    this.link.ari.off('connected', this.onLinkUp);
    this.link.ami.off('event', this.onAmiEvent);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** A caller the server could not record and handed to the survival path (uniqueid): imported once they hang up. */
  watch(uniqueid: string): void {
    this.handedOver.add(uniqueid);
  }

  /** One pass over the records; a call while one runs makes it run once more afterwards. */
  run(): Promise<OutageImportResult> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.deps.recovery.begin(OUTAGE_IMPORT_STEP);
    this.running = (async () => {
      let result: OutageImportResult = { imported: 0, pending: 0 };
      try {
        do {
          this.again = false;
          result = await this.pass();
        } while (this.again && !this.stopped);
        return result;
      } catch (error) {
        this.deps.log.warn({ err: (error as Error).message }, 'outage import failed; it runs again when the links come back');
        throw error;
      } finally {
        this.running = null;
        this.deps.recovery.end(OUTAGE_IMPORT_STEP);
        if (result.pending > 0) this.retryLater();
      }
    })();
    return this.running;
  }

  private retryLater(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.onLinkUp();
    }, RETRY_MS);
    this.retryTimer.unref();
  }

  private async pass(): Promise<OutageImportResult> {
    const { records, log, clock } = this.deps;
    let imported = 0;
    let pending = 0;
    this.pendingKeys.clear();
    for (const key of await records.keys()) {
      const value = await records.read(key);
      if (value === undefined) continue;
      let record = parseOutageRecord(key, value);
      if (!record) {
        log.warn({ key }, 'outage record unreadable; left in AstDB for a person to look at');
        continue;
      }
      if (!record.done && clock.now().getTime() - record.start * 1000 < STALE_AFTER_MS) {
        if (await this.channelStillThere(key)) {
          pending++;
          this.pendingKeys.add(key);
          continue;
        }
        // Gone: completed by its hang-up handler just now (read it again), or lost with Asterisk.
        const again = await records.read(key);
        if (again === undefined) continue;
        record = parseOutageRecord(key, again) ?? record;
      }
      // One record that cannot be written must not keep the others out: it stays for a person.
      let created: boolean;
      try {
        created = await this.importRecord(record);
      } catch (error) {
        log.error({ key, err: (error as Error).message }, 'outage record could not be imported; left in AstDB for a person to look at');
        continue;
      }
      await records.remove(key);
      // Imported without its hang-up heard (AMI was away then): no longer waited for.
      this.handedOver.delete(key);
      if (created) imported++;
    }
    if (imported > 0 || pending > 0) log.info({ imported, pending }, 'calls taken during the outage imported');
    return { imported, pending };
  }

  /**
   * Whether Asterisk still has the call's channel (the record's key is its uniqueid, the channel's id
   * on ARI). Only a plain "no such channel" (404) says it is gone; when Asterisk cannot be asked, the
   * call is taken as still going on.
   */
  private async channelStillThere(key: string): Promise<boolean> {
    try {
      await this.link.ari.getChannel(key);
      return true;
    } catch (error) {
      if (error instanceof AriError && error.kind === 'not-found') return false;
      this.deps.log.warn({ key, err: (error as Error).message }, 'could not ask Asterisk whether a survival-path call is still going on');
      return true;
    }
  }

  /** Writes the call row, ticket, note and missed-call entry in one transaction; false when already there. */
  private async importRecord(record: OutageRecord): Promise<boolean> {
    const { db, log } = this.deps;
    const answered = record.member !== null;
    const agent = record.member ? await findAgentByEndpoint(db, record.member) : undefined;
    // Ticketed as the route that serves the number, as a call the server took (stasis/inbound-arrival.ts).
    const route = servingRoute(await listRoutes(db), record.dialled);
    const startAt = new Date(record.start * 1000);
    const endAt = new Date((record.end ?? record.start) * 1000);
    const queuedAt = record.queued ?? record.start;
    const answeredAt = answered ? new Date((queuedAt + (record.holdSeconds ?? 0)) * 1000) : null;
    const waitMs = answered ? (record.holdSeconds ?? 0) * 1000 : Math.max(0, ((record.end ?? queuedAt) - queuedAt) * 1000);
    const created = await atomically(db, async (tx) => {
      const { call, created: isNew } = await recordCallArrival(tx, {
        linkedId: record.key,
        channelId: record.key,
        channelName: '',
        callerNumber: record.caller,
        dialledNumber: record.dialled,
        routeId: route?.id ?? null,
        arrivedAt: startAt.toISOString(),
        duringOutage: true,
        node: this.deps.node ?? null,
      });
      // Imported before (a crash came between the import and the record's removal): only the record is left.
      if (!isNew && call.duringOutage) return false;
      // Otherwise the server recorded the call late, after it had handed the caller to the survival path
      // (cti/stasis/survival-handover.ts): the row and ticket are there, the outcome comes from the record.
      await completeImportedCall(tx, record.key, {
        outcome: answered ? 'answered' : 'abandoned',
        agentId: agent?.id ?? null,
        answeredAt: answeredAt?.toISOString() ?? null,
        endedAt: endAt.toISOString(),
        waitMs,
        recording: answered ? record.recording : null,
      });
      // An existing row's ticket is found by its key (opened with the row), a new row's opened now.
      const { ticket } = await openTicketForCall(tx, {
        callKey: record.key,
        callId: call.id,
        callerNumber: record.caller,
        dialledNumber: record.dialled,
        routeId: route?.id ?? null,
        hotline: route?.name ?? record.dialled,
        at: startAt,
        newCall: isNew,
      });
      // A row already there was written by the server after it handed the caller over.
      const how = isNew ? DURING_OUTAGE : HANDED_OVER_NOTE;
      const note = answered
        ? `${how}，${ANSWERED}（${agent ? `话务员 ${agent.login}` : `话机 ${record.member ?? ''}`}）`
        : `${how}，${record.done ? ABANDONED : LOST}`;
      await appendTicketEvent(tx, { ticketId: ticket.id, actor: 'system', kind: 'outage', note, at: endAt });
      if (agent) await setTicketAgent(tx, ticket.id, agent.id);
      if (answered && record.recording) await setTicketRecording(tx, ticket.id, record.recording);
      // Answered: a callback of a call they gave up on earlier is no longer needed (as inbound-call.ts
      // closes it when an agent answers them with the server up); a withheld number is nobody's.
      if (answeredAt && !isWithheldNumber(record.caller)) {
        for (const entry of await closeMissedCallsGotThrough(tx, record.caller, answeredAt.toISOString())) {
          if (entry.ticketId === null || entry.ticketId === ticket.id) continue;
          await appendTicketEvent(tx, { ticketId: entry.ticketId, actor: 'system', kind: 'callback-cancelled', note: `来电人再次来电已由坐席接听（工单 ${ticket.number}），无需漏接回拨`, at: answeredAt });
        }
      }
      if (!answered) {
        await recordMissedCall(tx, {
          callId: call.id,
          callerNumber: record.caller,
          dialledNumber: record.dialled,
          waitMs,
          at: endAt.toISOString(),
          ticketId: ticket.id,
        });
      }
      return true;
    });
    log.info(
      { key: record.key, caller: maskNumber(record.caller), dialled: record.dialled, outcome: answered ? 'answered' : 'abandoned', agent: agent?.login ?? null, isNew: created },
      created ? 'outage call imported' : 'outage call already imported; record removed',
    );
    return created;
  }
}
