/**
 * The simulated PBX: channels, bridges, endpoints, Stasis apps, playbacks and recordings, driven by
 * the dialplan, ARI, AMI and the control API, raising `PbxEvent`s in Asterisk's order.
 *
 * This file holds the state and the primitives every behaviour uses (create a channel, change its
 * state, set a variable, request a hangup, destroy it). The behaviours live in their own files:
 * `bridging.ts`, `dialing.ts`, `stasis.ts`, `media.ts`, `dialplan-runner.ts`.
 */
import type { ContactSnapshot, OriginateOutcome, OriginateRequest, PbxCore } from './api.js';
import { PbxError } from './api.js';
import { AppRegistry } from './apps.js';
import { AstDb, writeDbFunction } from './astdb.js';
import type { Bridge } from './bridge.js';
import { Bridging } from './bridging.js';
import { causeText, causeToSip, CAUSE } from './causes.js';
import { Channel } from './channel.js';
import type { ChannelTech, LegFailure, RemoteParty } from './channel.js';
import type { Dialplan } from './dialplan.js';
import { DialplanRunner } from './dialplan-runner.js';
import { DeviceStates } from './device-states.js';
import { Dialing } from './dialing.js';
import { Endpoint } from './endpoint.js';
import { InterNodeTrunks } from './internode.js';
import type { AnswerMode, EndpointBehaviour } from './endpoint.js';
import type {
  BridgeSnapshot,
  ChannelSnapshot,
  ChannelState,
  EndpointSnapshot,
  PartyId,
  PbxEvent,
  PbxEventDelivery,
} from './events.js';
import { asteriskTime, defaultEntityId, IdAllocator, sipCallId } from './ids.js';
import { Media } from './media.js';
import type { Playback } from './playback.js';
import type { LiveRecording, StoredRecording } from './recording.js';
import { Scheduler } from './scheduler.js';
import type { TimingOptions } from './scheduler.js';
import { StasisRunner } from './stasis.js';
import { parseCallerId, readFunction, readVariable } from './variables.js';

export interface PbxLogger {
  debug?(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error?(msg: string): void;
}

export interface EndpointOptions {
  resource: string;
  context: string;
  online?: boolean;
  answer?: AnswerMode;
  answerDelayMs?: number;
  staticContact?: string;
  qualified?: boolean;
  /** The AOR's qualify_frequency in seconds (a phone that vanished is noticed at the next one). */
  qualifyFrequency?: number;
  /** pjsip.conf `language`: the language of its channels (default `en`). */
  language?: string;
}

/** res_pjsip's default qualify_timeout (the project's pjsip.conf sets the same 3.0 s). */
const QUALIFY_TIMEOUT_MS = 3000;

export interface QueueOptions {
  name: string;
  timeout: number;
  retry: number;
  members: { interface: string; memberName: string }[];
  musicClass: string;
  /** queues.conf `ringinuse` (Asterisk's default: yes). */
  ringInUse?: boolean;
  /** queues.conf `setinterfacevar` / `setqueueentryvar` (default no): MEMBERINTERFACE…, QEHOLDTIME… on the caller. */
  setInterfaceVar?: boolean;
  setQueueEntryVar?: boolean;
}

export interface PbxConfig {
  dialplan: Dialplan;
  endpoints: EndpointOptions[];
  queues?: QueueOptions[];
  mohClasses?: string[];
  /** PJSIP endpoint that calls from outside arrive on. Default `trunk`. */
  trunkEndpoint?: string;
  timing?: Partial<TimingOptions>;
  /** Seconds of audio per `sound:` name, overriding the built-in table (default 2 s). */
  soundDurations?: Record<string, number>;
  /** Endpoints that do not say otherwise start registered. Default true. */
  endpointsOnline?: boolean;
  /** Delay between a phone receiving an INVITE and it ringing (180). Default 5 ms. */
  ringDelayMs?: number;
  /** asterisk.conf `systemname`: prefixes channel uniqueids (`<name>-<epoch>.<n>`), AMI `SystemName`. */
  systemName?: string;
  /** ARI `asterisk_id` (asterisk.conf `entityid`); by default derived from `systemName`. */
  entityId?: string;
  version?: string;
  logger?: PbxLogger;
}

type Listener = (event: PbxEvent, delivery: PbxEventDelivery) => void;

export interface CreateChannelOptions {
  tech: ChannelTech;
  /** `1001` for PJSIP (name `PJSIP/1001-…`), the target id for Snoop. */
  resource: string;
  state: ChannelState;
  context: string;
  exten: string;
  priority?: number;
  caller?: PartyId;
  connected?: PartyId;
  id?: string;
  linkedId?: string;
  protocolId?: string;
  endpoint?: Endpoint;
}

const EMPTY_PARTY: PartyId = { name: '', number: '' };

function sameParty(a: PartyId, b: PartyId): boolean {
  return a.name === b.name && a.number === b.number;
}

/** How a dialler reads a callee that went away before answering, from its hangup cause. */
export function dialStatusForCause(cause: number): LegFailure {
  if (cause === CAUSE.BUSY) return 'BUSY';
  if ([CAUSE.CONGESTION, CAUSE.CALL_REJECTED, 27, 38, 42].includes(cause)) return 'CONGESTION';
  if ([CAUSE.NORMAL, CAUSE.NO_ANSWER, CAUSE.NO_USER_RESPONSE, 31].includes(cause)) return 'NOANSWER';
  return 'CHANUNAVAIL';
}

/**
 * Whether a snapshot's dialplan change raises `channel.dialplan` (Newexten, ChannelDialplan):
 * context, exten or priority changed, or an application started on a channel that had none
 * (ast_channel_snapshot_cep_equal).
 */
function cepChanged(old: ChannelSnapshot['dialplan'], now: ChannelSnapshot['dialplan']): boolean {
  if (now.appName === '') return false;
  return old.context !== now.context || old.exten !== now.exten || old.priority !== now.priority || old.appName === '';
}

export class Pbx implements PbxCore {
  readonly version: string;
  readonly systemName: string;
  readonly entityId: string;
  startedAt = new Date();
  lastReloadAt = new Date();
  /** False during a simulated restart: ARI answers 503 and Stasis apps cannot register. */
  booted = true;
  /** Set by `stop()`: the node is gone for good (its trunk peers cannot reach it). */
  stopped = false;

  readonly ids: IdAllocator;
  readonly scheduler: Scheduler;
  readonly apps = new AppRegistry();
  readonly dialplan: Dialplan;
  readonly channels = new Map<string, Channel>();
  readonly bridges = new Map<string, Bridge>();
  readonly endpoints = new Map<string, Endpoint>();
  readonly playbacks = new Map<string, Playback>();
  readonly liveRecordings = new Map<string, LiveRecording>();
  readonly storedRecordings = new Map<string, StoredRecording>();
  /** Channels whose far end hung up with no cause (they end with cause 0). */
  private readonly byeWithoutCause = new WeakSet<Channel>();
  /**
   * Qualify state per endpoint: OPTIONS every `frequencyMs` (scaled) counted from `since` (its
   * registration); a phone that `vanished` (killed, no unregister) keeps its contact until one fails.
   */
  private readonly qualify = new Map<Endpoint, { frequencyMs: number; since: number; vanished: boolean; cancel?: () => void }>();
  /** SIP response codes the far end refused channels with (reported as their tech_cause). */
  private readonly techCauses = new WeakMap<Channel, number>();
  readonly globals = new Map<string, string>();
  /** AstDB: on disk in Asterisk, so it survives `reset()` (a simulated restart). */
  readonly astdb = new AstDb();
  readonly queues: QueueOptions[];
  readonly mohClasses: string[];
  readonly trunkEndpoint: string;
  readonly ringDelayMs: number;
  readonly soundDurations: Record<string, number>;
  readonly log: PbxLogger;

  readonly bridging: Bridging;
  readonly dialing: Dialing;
  readonly stasis: StasisRunner;
  readonly media: Media;
  readonly runner: DialplanRunner;
  readonly devices: DeviceStates;
  /** Trunks to other simulated nodes (`internode-<node>` endpoints). */
  readonly interNode: InterNodeTrunks;

  private readonly listeners = new Set<Listener>();
  private readonly endpointConfig: EndpointOptions[];
  private readonly endpointsOnline: boolean;

  constructor(config: PbxConfig) {
    this.version = config.version ?? '22.10.1';
    this.systemName = config.systemName ?? '';
    this.entityId = config.entityId ?? defaultEntityId(this.systemName);
    this.ids = new IdAllocator(this.systemName);
    this.dialplan = config.dialplan;
    this.queues = config.queues ?? [];
    this.mohClasses = config.mohClasses ?? ['default'];
    this.trunkEndpoint = config.trunkEndpoint ?? 'trunk';
    this.ringDelayMs = config.ringDelayMs ?? 5;
    this.soundDurations = config.soundDurations ?? {};
    this.log = config.logger ?? { info: () => undefined, warn: () => undefined };
    this.scheduler = new Scheduler({
      msPerSecondOfAudio: config.timing?.msPerSecondOfAudio ?? 50,
      timeScale: config.timing?.timeScale ?? 1,
    });
    this.endpointConfig = config.endpoints;
    this.endpointsOnline = config.endpointsOnline ?? true;
    for (const [k, v] of this.dialplan.globals) this.globals.set(k, v);
    this.bridging = new Bridging(this);
    this.dialing = new Dialing(this);
    this.stasis = new StasisRunner(this);
    this.media = new Media(this);
    this.runner = new DialplanRunner(this);
    this.devices = new DeviceStates(this);
    this.interNode = new InterNodeTrunks(this);
    this.loadEndpoints();
  }

  private loadEndpoints(): void {
    this.endpoints.clear();
    this.qualify.clear();
    let port = 5071;
    for (const e of this.endpointConfig) {
      const contactPort = port;
      port += 10;
      const behaviour: EndpointBehaviour = {
        online: e.online ?? (e.staticContact !== undefined ? true : this.endpointsOnline),
        answer: e.answer ?? 'auto',
        answerDelayMs: e.answerDelayMs ?? 0,
      };
      const ep = new Endpoint(e.resource, e.context, behaviour, e.staticContact, e.qualified ?? false, contactPort, e.language ?? 'en');
      this.qualify.set(ep, { frequencyMs: (e.qualifyFrequency ?? (e.qualified ? 60 : 0)) * 1000, since: Date.now(), vanished: false });
      ep.deviceState = ep.state === 'online' ? 'NOT_INUSE' : 'UNAVAILABLE';
      this.endpoints.set(e.resource, ep);
    }
  }

  // ---------------------------------------------------------------- events

  /**
   * `first`: told before the listeners already there — the AMI and ARI front ends — so that it sees
   * an event before any client can have heard of it (the bench times the rings with one).
   */
  subscribe(listener: Listener, options: { first?: boolean } = {}): () => void {
    if (options.first) {
      const others = [...this.listeners];
      this.listeners.clear();
      for (const other of [listener, ...others]) this.listeners.add(other);
    } else this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: PbxEvent): void {
    const delivery: PbxEventDelivery = { apps: this.apps.delivery(event) };
    for (const listener of [...this.listeners]) {
      try {
        listener(event, delivery);
      } catch (err) {
        this.log.warn(`pbx-sim: event listener failed on ${event.type}: ${String(err)}`);
      }
    }
  }

  // ---------------------------------------------------------------- PbxCore queries

  listChannels(): ChannelSnapshot[] {
    return [...this.channels.values()].map((c) => c.snapshot());
  }

  findChannel(idOrName: string): ChannelSnapshot | undefined {
    return this.channel(idOrName)?.snapshot();
  }

  /** Live channel by uniqueid or name. */
  channel(idOrName: string): Channel | undefined {
    const byId = this.channels.get(idOrName);
    if (byId) return byId;
    for (const c of this.channels.values()) if (c.name === idOrName) return c;
    return undefined;
  }

  getVariable(channelId: string, name: string): string | undefined {
    const ch = this.channel(channelId);
    return readVariable(ch, name, this);
  }

  setVariable(channelId: string, name: string, value: string): void {
    const ch = this.channel(channelId);
    if (!ch) throw new PbxError('not-found', 'Channel not found');
    this.writeVariable(ch, name, value);
  }

  listBridges(): BridgeSnapshot[] {
    return [...this.bridges.values()].map((b) => b.snapshot());
  }

  listEndpoints(): EndpointSnapshot[] {
    return [...this.endpoints.values()].map((e) => e.snapshot());
  }

  /** Registered phones and static (trunk) contacts, for AMI PJSIPShowContacts. */
  listContacts(): ContactSnapshot[] {
    return [...this.endpoints.values()]
      .filter((e) => e.state === 'online')
      .map((e) => ({
        aor: e.resource,
        uri: e.contactUri,
        endpointName: e.resource,
        status: e.qualified ? ('Reachable' as const) : ('NonQualified' as const),
        ...(e.staticContact === undefined
          ? { userAgent: 'pbx-sim phone', callId: e.registrationCallId, expirationTime: e.registrationExpires }
          : {}),
      }));
  }

  originate(request: OriginateRequest): OriginateOutcome {
    return this.dialing.originate(request);
  }

  redirect(channelId: string, context: string, exten: string, priority: number): void {
    const ch = this.channel(channelId);
    if (!ch) throw new PbxError('not-found', 'Channel not found');
    this.runner.asyncGoto(ch, context, exten, priority);
  }

  hangup(channelId: string, cause: number = CAUSE.NORMAL): void {
    const ch = this.channel(channelId);
    if (!ch) throw new PbxError('not-found', 'Channel not found');
    // AMI Hangup and ARI DELETE: ast_softhangup(AST_SOFTHANGUP_EXPLICIT) with the cause stored. A
    // dialler waiting for it to answer reads the dial status from that cause (NOANSWER, BUSY for
    // `reason=busy`: runs6-11-b/ari-run10b-events.jsonl).
    this.requestHangup(ch, { eventCause: 32, soft: true, hangupCause: cause, legStatus: dialStatusForCause(cause) });
  }

  // ---------------------------------------------------------------- channel primitives

  createChannel(opts: CreateChannelOptions): Channel {
    const id = opts.id ?? this.ids.nextUniqueId();
    this.ids.reserve(id);
    const suffix = this.ids.nextNameSuffix(opts.tech);
    const ch = new Channel({
      id,
      name: `${opts.tech}/${opts.resource}-${suffix}`,
      tech: opts.tech,
      linkedId: opts.linkedId ?? id,
      state: opts.state,
      caller: opts.caller ?? EMPTY_PARTY,
      connected: opts.connected ?? EMPTY_PARTY,
      context: opts.context,
      exten: opts.exten,
      priority: opts.priority ?? 1,
      protocolId: opts.protocolId ?? (opts.tech === 'PJSIP' ? sipCallId() : ''),
      creationTime: asteriskTime(),
    });
    if (opts.endpoint) {
      ch.endpoint = opts.endpoint;
      opts.endpoint.channelIds.push(ch.id);
    }
    this.channels.set(ch.id, ch);
    this.emit({ type: 'channel.created', channel: ch.snapshot() });
    // chan_pjsip_new sets the endpoint's language once the channel exists: Newchannel still shows
    // the default `en`, every later snapshot the endpoint's (ami-run7.txt, ari-run7-requests.txt).
    if (opts.endpoint && opts.endpoint.language !== ch.language) {
      ch.language = opts.endpoint.language;
      ch.publish();
    }
    return ch;
  }

  /** Both halves of `Local/<exten>@<context>`: `;1` Down, `;2` Ring, created together. */
  createLocalPair(
    exten: string,
    context: string,
    opts: { id?: string; otherId?: string; linkedId?: string },
  ): [Channel, Channel] {
    const idOne = opts.id ?? this.ids.nextUniqueId();
    this.ids.reserve(idOne);
    const idTwo = opts.otherId ?? this.ids.nextUniqueId();
    this.ids.reserve(idTwo);
    const suffix = this.ids.nextNameSuffix('Local');
    const base = `Local/${exten}@${context}-${suffix}`;
    const linkedId = opts.linkedId ?? idOne;
    const creationTime = asteriskTime();
    const make = (id: string, half: 1 | 2): Channel => {
      const ch = new Channel({
        id,
        name: `${base};${half}`,
        tech: 'Local',
        linkedId,
        state: half === 1 ? 'Down' : 'Ring',
        caller: EMPTY_PARTY,
        connected: EMPTY_PARTY,
        context,
        exten,
        priority: 1,
        protocolId: '',
        creationTime,
      });
      ch.localHalf = half;
      return ch;
    };
    const one = make(idOne, 1);
    const two = make(idTwo, 2);
    one.localPeer = two;
    two.localPeer = one;
    this.channels.set(one.id, one);
    this.channels.set(two.id, two);
    this.emit({ type: 'channel.created', channel: one.snapshot() });
    this.emit({ type: 'channel.created', channel: two.snapshot() });
    return [one, two];
  }

  setState(ch: Channel, state: ChannelState): void {
    if (ch.destroyed || ch.state === state) return;
    ch.state = state;
    this.publishWith(ch, (snap) => ({ type: 'channel.state', channel: snap }));
    this.devices.channelChanged(ch);
  }

  /**
   * Publish the channel's snapshot with the event that published it. Asterisk derives the events
   * from each new snapshot in a fixed order (state, dialplan, caller id, connected line — the
   * monitors of manager_channels.c and res_stasis): a caller id that changed without an event of
   * its own (a Local half's, set by the other half) comes out with the next snapshot, after its
   * event — ami-run2's `Hangup` then `NewCallerid` of `Local/s@caller-sim-…;1`.
   */
  private publishWith(ch: Channel, event: (snap: ChannelSnapshot) => PbxEvent | undefined): ChannelSnapshot {
    const before = ch.snapshot().caller;
    const snap = ch.publish();
    const primary = event(snap);
    if (primary) this.emit(primary);
    if (!sameParty(before, snap.caller)) this.emit({ type: 'channel.callerid', channel: snap });
    return snap;
  }

  /**
   * pbx_exec starting an application: the snapshot is published, and `channel.dialplan` (Newexten,
   * ChannelDialplan) raised only when the context/exten/priority changed or the channel had no
   * application before (ast_channel_snapshot_cep_equal). So Stasis started by an ARI originate, or
   * an AMI originate's application, changes the snapshot without an event, as in the recordings.
   */
  setApp(ch: Channel, app: string, data: string): void {
    if (ch.destroyed) return;
    const old = ch.snapshot().dialplan;
    ch.appName = app;
    ch.appData = data;
    this.publishWith(ch, (snap) => (cepChanged(old, snap.dialplan) ? { type: 'channel.dialplan', channel: snap, app, appData: data } : undefined));
  }

  /**
   * app_dial preparing the channel it dials: exten, application, caller id and connected line
   * changed under one staged snapshot (ast_channel_stage_snapshot), so Newexten, NewCallerid and
   * NewConnectedLine all show all of them (ami-run1-no-ari.txt, `Local/12345@from-pstn-…;1`).
   */
  prepareDialled(ch: Channel, dial: { exten: string; app: string; appData: string; caller: PartyId; connected: PartyId }): void {
    if (ch.destroyed) return;
    const before = ch.snapshot();
    ch.exten = dial.exten;
    ch.appName = dial.app;
    ch.appData = dial.appData;
    ch.caller = { ...dial.caller };
    ch.connected = { ...dial.connected };
    const snap = ch.publish();
    if (cepChanged(before.dialplan, snap.dialplan)) this.emit({ type: 'channel.dialplan', channel: snap, app: dial.app, appData: dial.appData });
    if (!sameParty(before.caller, snap.caller)) this.emit({ type: 'channel.callerid', channel: snap });
    if (!sameParty(before.connected, snap.connected)) this.emit({ type: 'channel.connectedline', channel: snap });
  }

  setCaller(ch: Channel, party: PartyId): void {
    if (ch.destroyed) return;
    ch.caller = { ...party };
    this.emit({ type: 'channel.callerid', channel: ch.publish() });
  }

  /**
   * Caller id and connected line set together and published in one snapshot: each event that
   * changed (ChannelCallerId, then ChannelConnectedLine, in the monitors' order) carries both.
   */
  setParties(ch: Channel, caller: PartyId, connected: PartyId): void {
    if (ch.destroyed) return;
    const before = ch.snapshot();
    ch.caller = { ...caller };
    ch.connected = { ...connected };
    const snap = ch.publish();
    if (!sameParty(before.caller, snap.caller)) this.emit({ type: 'channel.callerid', channel: snap });
    if (!sameParty(before.connected, snap.connected)) this.emit({ type: 'channel.connectedline', channel: snap });
  }

  /** Update the connected line; a Local half passes it on as its peer's caller id. */
  setConnected(ch: Channel, party: PartyId, propagate = true): void {
    if (ch.destroyed) return;
    if (sameParty(ch.connected, party)) return;
    ch.connected = { ...party };
    // A caller id changed silently before comes first (the caller id monitor runs before the
    // connected line one).
    const callerBefore = ch.snapshot().caller;
    const snap = ch.publish();
    if (!sameParty(callerBefore, snap.caller)) this.emit({ type: 'channel.callerid', channel: snap });
    this.emit({ type: 'channel.connectedline', channel: snap });
    const peer = ch.localPeer;
    // core_unreal (unreal_colp_redirect_indicate): the other half's caller changes at once, without
    // a snapshot; it shows with that half's next one (its next application, its hangup).
    if (propagate && peer && peer.alive) peer.caller = { ...party };
  }

  setVar(ch: Channel, name: string, value: string): void {
    if (ch.destroyed) return;
    ch.vars.set(name, value);
    this.emit({ type: 'channel.varset', channel: ch.snapshot(), variable: name, value });
  }

  /** Variable assignment as Set() and ARI do it: functions write their field, others set a variable. */
  writeVariable(ch: Channel, name: string, value: string): void {
    const m = /^([A-Z_]+)\((.*)\)$/i.exec(name.trim());
    if (m) {
      const func = (m[1] ?? '').toUpperCase();
      const field = (m[2] ?? '').trim().toLowerCase();
      if (func === 'CALLERID' || func === 'CONNECTEDLINE') {
        const current = func === 'CALLERID' ? ch.caller : ch.connected;
        const next: PartyId =
          field === 'all' ? parseCallerId(value) : field === 'name' ? { ...current, name: value } : { ...current, number: value };
        if (func === 'CALLERID') this.setCaller(ch, next);
        else this.setConnected(ch, next);
        return;
      }
      if (func === 'CHANNEL' && field === 'language') {
        // ast_channel_language_set publishes a snapshot when the language changes (no event of its
        // own): the next events show it (ari-run7-events.jsonl: zh, then en after the request).
        if (ch.language !== value) {
          ch.language = value;
          if (!ch.destroyed) this.publishWith(ch, () => undefined);
        }
        return;
      }
      if (func === 'CHANNEL' && field === 'accountcode') {
        ch.accountCode = value;
        return;
      }
      if (func === 'CHANNEL' && (field === 'hangup_handler_push' || field === 'hangup_handler_wipe')) {
        if (field === 'hangup_handler_wipe') ch.hangupHandlers = [];
        if (value.trim() !== '') ch.hangupHandlers.unshift(value.trim());
        return;
      }
      if (func === 'CHANNEL' && field === 'hangup_handler_pop') {
        ch.hangupHandlers.shift();
        if (value.trim() !== '') ch.hangupHandlers.unshift(value.trim());
        return;
      }
      if (writeDbFunction(this.astdb, name, value)) return;
      if (readFunction(ch, name) === undefined) throw new PbxError('bad-request', 'Failed to execute function');
      return;
    }
    this.setVar(ch, name, value);
  }

  /**
   * Answer a channel; a Local `;2` answering answers its `;1`, whose dialler learns of it. The `;2`
   * queues the answer on the `;1` (ast_unreal_answer), and the thread reading the `;1` handles it
   * once this one lets go: right away after Answer(), after the callee is in the bridge when Dial()
   * answers its caller (ami-run2).
   */
  answer(ch: Channel): void {
    if (ch.destroyed || ch.state === 'Up') return;
    this.setState(ch, 'Up');
    ch.ringIndicated = false;
    ch.remote?.answered();
    const peer = ch.localPeer;
    if (ch.localHalf === 2 && peer && peer.alive && peer.state !== 'Up') {
      queueMicrotask(() => {
        if (!peer.alive || peer.state === 'Up') return;
        this.setState(peer, 'Up');
        this.legAnswered(peer);
      });
    } else if (ch.localHalf !== 2) {
      this.legAnswered(ch);
    }
  }

  /**
   * The far end rings: the state changes at once, the dialler hears of it when it reads the ringing
   * frame — after the device state (ami-run5: Newstate, DeviceStateChange, DialState).
   */
  legRinging(ch: Channel): void {
    if (ch.destroyed || ch.state === 'Up') return;
    if (ch.state !== 'Ringing') this.setState(ch, 'Ringing');
    const leg = ch.leg;
    queueMicrotask(() => {
      if (leg && ch.leg === leg && ch.alive) leg.ringing();
    });
  }

  legAnswered(ch: Channel): void {
    const leg = ch.leg;
    ch.leg = undefined;
    leg?.answered();
  }

  legFailed(ch: Channel, status: LegFailure, cause: number): void {
    const leg = ch.leg;
    ch.leg = undefined;
    if (!ch.hangupCause) ch.hangupCause = cause;
    leg?.failed(status, cause);
  }

  /**
   * Ask a channel to hang up. `eventCause`/`soft` are what the HangupRequest event carries (ARI
   * DELETE: 32 = AST_SOFTHANGUP_EXPLICIT, soft; a remote BYE: the Q.850 cause, not soft).
   */
  requestHangup(
    ch: Channel,
    opts: { eventCause: number; soft: boolean; hangupCause?: number; legStatus?: LegFailure; withoutCause?: boolean; techCause?: number },
  ): void {
    if (ch.destroyed) return;
    if (opts.hangupCause !== undefined) ch.hangupCause = opts.hangupCause;
    else if (!ch.hangupCause) ch.hangupCause = CAUSE.NORMAL;
    this.emit({
      type: 'channel.hangup.request',
      channel: ch.snapshot(),
      cause: opts.eventCause,
      soft: opts.soft,
      ...(opts.withoutCause ? { withoutCause: true } : {}),
      ...(opts.techCause ? { techCause: opts.techCause } : {}),
    });
    ch.softHangup = true;
    if (ch.leg && ch.state !== 'Up') {
      // An unanswered outgoing channel: its dialler (another thread in Asterisk) notices a moment
      // later — a cancel when we hung it up, the far end's failure otherwise.
      queueMicrotask(() => {
        if (ch.leg) this.legFailed(ch, opts.legStatus ?? 'CANCEL', ch.hangupCause);
      });
    }
    if (ch.stasis && !ch.stasis.exit) ch.stasis.exit = { kind: 'hangup' };
    ch.interrupt();
    if (!this.hasOwner(ch)) this.destroyChannel(ch);
  }

  /** Whether something (dialplan loop, Stasis, a dialler) will finish this channel itself. */
  hasOwner(ch: Channel): boolean {
    return ch.inPbx || ch.stasis !== undefined || ch.owned;
  }

  /** Tear a channel down: leave its bridge, stop its media, tell a Local peer, raise `destroyed`. */
  destroyChannel(ch: Channel, cause?: number): void {
    if (ch.destroyed) return;
    // An explicit cause stays, 0 included: ast_dial hangs up a Local `;1` that never answered with
    // none (runs6-11-b/ari-run10-events.jsonl).
    if (cause !== undefined) ch.hangupCause = cause;
    else if (!ch.hangupCause && !this.byeWithoutCause.has(ch)) ch.hangupCause = CAUSE.NORMAL;
    ch.softHangup = true;
    if (ch.bridge) this.bridging.leave(ch.bridge, ch);
    this.media.channelGone(ch);
    const peer = ch.localPeer;
    if (peer && peer.alive && !peer.softHangup) {
      // local_hangup: the `;2` passes its DIALSTATUS to the `;1` as CHANLOCALSTATUS, then queues a
      // hangup (with our cause) on the other half before we are gone.
      const dialStatus = ch.vars.get('DIALSTATUS');
      if (ch.localHalf === 2 && dialStatus !== undefined) this.setVar(peer, 'CHANLOCALSTATUS', dialStatus);
      // A hangup frame without a cause leaves the other half's own (Busy()'s 17 on the `;2`).
      this.requestHangup(peer, {
        eventCause: ch.hangupCause,
        soft: false,
        ...(ch.hangupCause !== 0 ? { hangupCause: ch.hangupCause } : {}),
        legStatus: dialStatusForCause(ch.hangupCause),
      });
    }
    ch.destroyed = true;
    ch.remote?.hungUp(ch.hangupCause);
    if (ch.leg) this.legFailed(ch, 'CHANUNAVAIL', ch.hangupCause);
    // chan_pjsip refuses an unanswered channel with the SIP response for its cause, reported as
    // tech_cause (480 for 19, 486 for 17: runs6-11-b/ari-run10b-events.jsonl, ari-run8-events.jsonl).
    const techCause = this.techCauses.get(ch) ?? (ch.tech === 'PJSIP' && ch.state !== 'Up' ? causeToSip(ch.hangupCause) : 0);
    this.publishWith(ch, (snap) => ({
      type: 'channel.destroyed',
      channel: snap,
      cause: ch.hangupCause,
      causeTxt: causeText(ch.hangupCause),
      ...(techCause ? { techCause } : {}),
    }));
    this.channels.delete(ch.id);
    this.ids.release(ch.id);
    this.apps.forgetChannel(ch.id);
    if (ch.endpoint) {
      const i = ch.endpoint.channelIds.indexOf(ch.id);
      if (i >= 0) ch.endpoint.channelIds.splice(i, 1);
    }
    this.devices.channelGone(ch);
    ch.interrupt();
    for (const other of [...this.channels.values()]) {
      // A snoop channel ends with the channel it spies on.
      if (other.snoopTarget === ch) this.requestHangup(other, { eventCause: 16, soft: false, hangupCause: 16 });
    }
  }

  // ---------------------------------------------------------------- device states

  /** Last published state of devices that are not PJSIP endpoints (Local, Queue, set through ARI). */
  get deviceStates(): Map<string, string> {
    return this.devices.states;
  }

  deviceState(name: string): string | undefined {
    return this.devices.get(name);
  }

  // ---------------------------------------------------------------- endpoints (control API)

  endpoint(tech: string, resource: string): Endpoint | undefined {
    return tech.toUpperCase() === 'PJSIP' ? this.endpoints.get(resource) : undefined;
  }

  /** Register/unregister a phone and change how it answers. */
  /**
   * Register/unregister a phone and change how it answers. The events come in the order res_pjsip
   * raised them in ami-run9.txt/ari-run9-events.jsonl and runs6-11-b/…run11…: on REGISTER the new
   * contact (NonQualified), the endpoint online, the peer Reachable, the contact Reachable once
   * qualified; on an unregister the endpoint offline, the peer Unreachable, the contact Removed.
   */
  setEndpointBehaviour(ep: Endpoint, change: Partial<EndpointBehaviour>): void {
    const q = this.qualify.get(ep);
    const wasOnline = ep.behaviour.online;
    const wasVanished = q?.vanished ?? false;
    ep.behaviour = { ...ep.behaviour, ...change };
    if (change.online === undefined) return;
    if (change.online && wasVanished) {
      this.reRegisterVanished(ep);
      return;
    }
    if (change.online === wasOnline) return;
    const contact = (status: Extract<PbxEvent, { type: 'contact.status' }>['status'], uri = ep.contactUri): void =>
      this.emit({ type: 'contact.status', aor: ep.resource, uri, status, endpointName: ep.resource });
    if (change.online) {
      ep.register();
      if (q) q.since = Date.now();
      // The contact is reported while the endpoint still shows offline (ari-run9-events.jsonl).
      ep.behaviour.online = false;
      contact('NonQualified');
      ep.behaviour.online = true;
      this.emit({ type: 'endpoint.state', endpoint: ep.snapshot() });
      this.emit({ type: 'peer.status', endpoint: ep.snapshot(), status: 'Reachable' });
      if (ep.qualified) contact('Reachable');
    } else {
      this.emit({ type: 'endpoint.state', endpoint: ep.snapshot() });
      this.emit({ type: 'peer.status', endpoint: ep.snapshot(), status: 'Unreachable' });
      contact('Removed');
      // Calls ringing on a phone that went away fail.
      for (const id of [...ep.channelIds]) {
        const ch = this.channels.get(id);
        if (ch && ch.state !== 'Up' && ch.leg) {
          this.legFailed(ch, 'CHANUNAVAIL', CAUSE.SUBSCRIBER_ABSENT);
        }
      }
    }
    this.devices.endpointChanged(ep);
  }

  /**
   * The phone dies without unregistering (kill -9): its contact stays and calls to it go nowhere,
   * until the next qualify (qualify_frequency after its registration, then every period) times out
   * after qualify_timeout: the peer Unreachable, the contact Unreachable, the device UNAVAILABLE
   * (runs6-11-b/ami-run11-registration.txt, 11c). Without qualify it is never noticed.
   */
  vanishEndpoint(ep: Endpoint): void {
    const q = this.qualify.get(ep);
    if (!q || !ep.behaviour.online || q.vanished || ep.staticContact !== undefined) return;
    q.vanished = true;
    if (q.frequencyMs <= 0) return;
    const period = this.scheduler.scaled(q.frequencyMs);
    const elapsed = Date.now() - q.since;
    const nextQualify = q.since + Math.max(1, Math.ceil(elapsed / period)) * period;
    const wait = nextQualify - Date.now() + this.scheduler.scaled(QUALIFY_TIMEOUT_MS);
    q.cancel = this.scheduler.after(wait, () => {
      q.cancel = undefined;
      if (!q.vanished || !ep.behaviour.online) return;
      ep.behaviour = { ...ep.behaviour, online: false };
      this.emit({ type: 'endpoint.state', endpoint: ep.snapshot() });
      this.emit({ type: 'peer.status', endpoint: ep.snapshot(), status: 'Unreachable' });
      this.emit({ type: 'contact.status', aor: ep.resource, uri: ep.contactUri, status: 'Unreachable', endpointName: ep.resource });
      this.devices.endpointChanged(ep);
    });
  }

  /** Whether the phone went away without unregistering (its INVITEs go unanswered). */
  endpointVanished(ep: Endpoint): boolean {
    return this.qualify.get(ep)?.vanished ?? false;
  }

  /**
   * A phone that vanished registers again with a new contact: the peer is Reachable at once, the
   * new contact is added, the old one qualified and then replaced (remove_existing) — the order of
   * runs6-11-b/ami-run11-registration.txt, 11d (there the device state came right after the peer).
   */
  private reRegisterVanished(ep: Endpoint): void {
    const q = this.qualify.get(ep);
    if (!q) return;
    q.cancel?.();
    q.cancel = undefined;
    q.vanished = false;
    const oldUri = ep.contactUri;
    const wasOnline = ep.state === 'online';
    ep.register();
    q.since = Date.now();
    ep.behaviour = { ...ep.behaviour, online: true };
    const contact = (status: 'NonQualified' | 'Reachable' | 'Removed', uri: string): void =>
      this.emit({ type: 'contact.status', aor: ep.resource, uri, status, endpointName: ep.resource });
    if (!wasOnline) this.emit({ type: 'endpoint.state', endpoint: ep.snapshot() });
    this.emit({ type: 'peer.status', endpoint: ep.snapshot(), status: 'Reachable' });
    contact('NonQualified', ep.contactUri);
    contact('Reachable', oldUri);
    if (ep.qualified) contact('Reachable', ep.contactUri);
    contact('Removed', oldUri);
    this.devices.endpointChanged(ep);
  }

  /** A call arriving from outside on the trunk (or from a phone, with `endpoint`). */
  placeCall(opts: { from: string; to: string; callerName?: string; endpoint?: string; channelId?: string }): Channel {
    const resource = opts.endpoint ?? this.trunkEndpoint;
    const ep = this.endpoints.get(resource);
    if (!ep) throw new PbxError('not-found', `Endpoint not found: PJSIP/${resource}`);
    // Asterisk would still accept it and run the `i` extension; the control API says so up front.
    if (!this.dialplan.exists(ep.context, opts.to)) {
      throw new PbxError('not-found', `No extension '${opts.to}' in context '${ep.context}'`);
    }
    if (opts.channelId !== undefined && this.channels.has(opts.channelId)) {
      throw new PbxError('conflict', 'Channel with given unique ID already exists');
    }
    const ch = this.createChannel({
      tech: 'PJSIP',
      resource,
      state: 'Ring',
      context: ep.context,
      exten: opts.to,
      caller: { name: opts.callerName ?? '', number: opts.from },
      endpoint: ep,
      ...(opts.channelId !== undefined ? { id: opts.channelId } : {}),
    });
    this.setVar(ch, 'SIPDOMAIN', '127.0.0.1');
    this.devices.channelChanged(ch);
    this.runner.start(ch);
    return ch;
  }

  /** The far end of a channel hangs up (SIP BYE/CANCEL): HangupRequest with the cause, not soft. */
  farEndHangup(ch: Channel, cause: number = CAUSE.NORMAL): void {
    if (ch.leg && ch.state !== 'Up') {
      // A phone refusing a call it rings with (baresip's 486): chan_pjsip queues the hangup with the
      // cause and the SIP code, then the dialler reads the status (ami-run8.txt, runs6-11-b/
      // ami-run10b-originate-noanswer.txt: HangupRequest 17, DialEnd BUSY, Hangup 17).
      const techCause = causeToSip(cause);
      if (techCause) this.techCauses.set(ch, techCause);
      if (cause === 0) this.byeWithoutCause.add(ch);
      this.requestHangup(ch, { eventCause: cause, soft: false, hangupCause: cause, legStatus: dialStatusForCause(cause), techCause, withoutCause: cause === 0 });
      return;
    }
    // Cause 0: a BYE without a Reason header (baresip): no cause on the hangup request, and the
    // channel is destroyed with cause 0 "Unknown" (runs6-11-b/ari-run6-events.jsonl, ami-run6-playback.txt).
    if (cause === 0) this.byeWithoutCause.add(ch);
    this.requestHangup(ch, { eventCause: cause, soft: false, hangupCause: cause, withoutCause: cause === 0 });
  }

  /** The phone/trunk side of an outgoing channel answers. */
  farEndAnswer(ch: Channel, by: string): void {
    if (ch.destroyed || ch.state === 'Up') return;
    ch.answeredBy = by;
    this.answer(ch);
  }

  // ---------------------------------------------------------------- stop / restart

  /** Everything goes away at once, as when Asterisk dies: no events. */
  reset(): void {
    this.devices.reset();
    this.scheduler.cancelAll();
    const remotes: RemoteParty[] = [];
    for (const ch of this.channels.values()) {
      ch.destroyed = true;
      ch.softHangup = true;
      if (ch.remote) remotes.push(ch.remote);
      ch.interrupt();
    }
    // Trunk calls to other nodes lose their far end (see core/internode.ts).
    for (const remote of remotes) remote.vanished();
    this.channels.clear();
    for (const b of this.bridges.values()) b.destroyed = true;
    this.bridges.clear();
    this.playbacks.clear();
    this.liveRecordings.clear();
    this.apps.reset();
    this.ids.reset();
    this.globals.clear();
    for (const [k, v] of this.dialplan.globals) this.globals.set(k, v);
    this.loadEndpoints();
    this.startedAt = new Date();
    this.lastReloadAt = new Date();
  }

  stop(): void {
    this.stopped = true;
    this.reset();
    this.listeners.clear();
  }

  /** What a channel hears right now, for the control API. */
  hearing(ch: Channel): string | null {
    return this.media.hearing(ch);
  }
}
