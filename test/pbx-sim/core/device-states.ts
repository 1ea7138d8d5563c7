/**
 * Device states, reported the way Asterisk's devstate machinery does (main/devicestate.c): a channel
 * changing state or going away asks for its device to be looked at again, and another thread
 * computes and publishes the answer (AMI DeviceStateChange) a little after the channel events that
 * caused it. Where exactly depends on Asterisk's threads; the simulator fixes it as the recordings
 * show it most (ami-run1, ami-run5 are matched exactly):
 *
 * - PJSIP devices are cached: published only when the state changes, at the end of the burst of
 *   events that changed it, before another party reacts (ami-run5: RINGING before the originate's
 *   DialState, INUSE after its DialEnd but before it enters Stasis).
 * - Local devices are not cached (core_unreal sets AST_FLAG_DISABLE_DEVSTATE_CACHE): every state
 *   change and every hangup of either half reports the device again, so a pair reports it twice in
 *   a row. A hangup is reported at the end of its burst (ami-run1: before the Dial() holding the
 *   other half reacts); a state change once everything runnable has run, i.e. after the threads
 *   reacting to the answer (ami-run1: both INUSE after the dialler's DialEnd; ami-run2: after the
 *   originate's STASISSTATUS). The state is local_devicestate()'s: INUSE while the `;1` exists and
 *   the `;2` runs (the pair's caretaker flag), else NOT_INUSE.
 * - app_queue watches its members' devices and, after each report about one of them, publishes
 *   `Queue:<queue>_avail` (cached): NOT_INUSE while a member is free to take a call, else INUSE.
 */
import type { Channel } from './channel.js';
import type { Endpoint } from './endpoint.js';
import type { Pbx, QueueOptions } from './pbx.js';

export class DeviceStates {
  /** Last published state of devices that are not PJSIP endpoints (Local, Queue, ARI-set). */
  readonly states = new Map<string, string>();
  /** app_queue's view of each member's device, per queue (member status). */
  private readonly memberStatus = new Map<string, Map<string, string>>();
  /** Local devices whose state changes wait for the next report round. */
  private pendingLocal: string[] = [];
  /** Bumped by reset(): reports queued before a restart are dropped. */
  private generation = 0;

  constructor(private readonly pbx: Pbx) {}

  /** A channel changed state (or came into being on an endpoint). */
  channelChanged(ch: Channel): void {
    if (ch.endpoint) {
      this.endpointChanged(ch.endpoint);
      return;
    }
    if (ch.tech !== 'Local') return;
    if (this.pendingLocal.length === 0) this.later(() => this.report(this.pendingLocal.splice(0).map((d) => this.localReport(d))));
    this.pendingLocal.push(ch.device);
  }

  /** A channel was destroyed (ast_channel_destructor reports its device). */
  channelGone(ch: Channel): void {
    if (ch.endpoint) this.endpointChanged(ch.endpoint);
    else if (ch.tech === 'Local') this.soon(() => this.report([this.localReport(ch.device)]));
  }

  /** A PJSIP endpoint's channels or registration changed: publish its state if it is new. */
  endpointChanged(ep: Endpoint): void {
    this.soon(() => {
      if (this.pbx.endpoints.get(ep.resource) !== ep) return;
      const state = endpointState(ep, this.channelsOf(ep));
      if (ep.deviceState === state) return;
      ep.deviceState = state;
      this.report([[ep.id, state]]);
    });
  }

  /** The state ARI `GET /deviceStates/{name}` reports. */
  get(name: string): string | undefined {
    const slash = name.indexOf('/');
    if (name.slice(0, slash) === 'PJSIP') return this.pbx.endpoints.get(name.slice(slash + 1))?.deviceState;
    return this.states.get(name);
  }

  reset(): void {
    this.generation++;
    this.pendingLocal = [];
    this.states.clear();
    this.memberStatus.clear();
  }

  private localReport(device: string): [string, string] {
    const state = this.localState(device);
    this.states.set(device, state);
    return [device, state];
  }

  /** local_devicestate(): in use while a pair for this exten@context has its `;1` and a running `;2`. */
  private localState(device: string): string {
    // No such extension: INVALID (runs6-11-b/ami-run10-originate-fail.txt, Local/9999@rec6-wait).
    const m = /^Local\/([^@]+)@(.+)$/.exec(device);
    if (m && !this.pbx.dialplan.exists(m[2] ?? '', m[1] ?? '')) return 'INVALID';
    for (const ch of this.pbx.channels.values()) {
      if (ch.localHalf !== 1 || ch.device !== device) continue;
      if (ch.alive && ch.localLaunched && ch.localPeer?.alive) return 'INUSE';
    }
    return 'NOT_INUSE';
  }

  /**
   * Publish device states, then what app_queue makes of them: its device_state_cb notes each
   * member's status and reports the queue's availability, on its own thread — after the reports of
   * this round (ami-run2: INUSE, INUSE, then `Queue:support_avail`).
   */
  private report(reports: [string, string][]): void {
    const queues = new Set<string>();
    for (const [device, state] of reports) {
      this.pbx.emit({ type: 'device.state', device, state });
      for (const queue of this.pbx.queues) {
        const members = queue.members.map((m) => memberDevice(m.interface));
        const matching = members.filter((m) => m.toLowerCase() === device.toLowerCase());
        if (matching.length === 0) continue;
        const status = this.statusOf(queue.name, members);
        for (const m of matching) status.set(m, state);
        queues.add(queue.name);
      }
    }
    for (const queue of this.pbx.queues) if (queues.has(queue.name)) this.reportQueue(queue);
  }

  /** `Queue:<name>_avail` is cached: published only when it changes. */
  private reportQueue(queue: QueueOptions): void {
    const status = this.memberStatus.get(queue.name);
    const ringInUse = queue.ringInUse ?? true;
    const avail = queue.members.some((m) => memberAvailable(status?.get(memberDevice(m.interface)) ?? 'UNKNOWN', ringInUse));
    const device = `Queue:${queue.name}_avail`;
    const state = avail ? 'NOT_INUSE' : 'INUSE';
    if (this.states.get(device) === state) return;
    this.states.set(device, state);
    this.pbx.emit({ type: 'device.state', device, state });
  }

  /** Member statuses start from each device's state when the queue was loaded. */
  private statusOf(queue: string, members: string[]): Map<string, string> {
    let status = this.memberStatus.get(queue);
    if (!status) {
      status = new Map(members.map((m) => [m, this.get(m) ?? (m.startsWith('Local/') ? this.localState(m) : 'UNKNOWN')]));
      this.memberStatus.set(queue, status);
    }
    return status;
  }

  private channelsOf(ep: Endpoint): Channel[] {
    return ep.channelIds.map((id) => this.pbx.channels.get(id)).filter((c): c is Channel => c !== undefined);
  }

  /** At the end of the current burst of events. */
  private soon(fn: () => void): void {
    const generation = this.generation;
    queueMicrotask(() => {
      if (generation === this.generation) fn();
    });
  }

  /** Once everything runnable now has run. */
  private later(fn: () => void): void {
    const generation = this.generation;
    setImmediate(() => {
      if (generation === this.generation) fn();
    });
  }
}

/** app_queue matches a Local member on `Local/exten@context`, without its `/n` options. */
function memberDevice(iface: string): string {
  if (!/^local\//i.test(iface)) return iface;
  const options = iface.indexOf('/', 6);
  return options < 0 ? iface : iface.slice(0, options);
}

/** is_member_available() for a member that is not paused. */
function memberAvailable(status: string, ringInUse: boolean): boolean {
  if (status === 'NOT_INUSE' || status === 'UNKNOWN') return true;
  if (status === 'INVALID' || status === 'UNAVAILABLE') return false;
  return ringInUse;
}

/** chan_pjsip's device state from the endpoint's registration and channels. */
function endpointState(ep: Endpoint, chans: Channel[]): string {
  if (ep.state !== 'online') return 'UNAVAILABLE';
  const ringing = chans.some((c) => c.state === 'Ringing');
  const busy = chans.some((c) => c.state === 'Up' || c.state === 'Ring');
  const held = chans.length > 0 && chans.every((c) => c.held);
  if (ringing && busy) return 'RINGINUSE';
  if (ringing) return 'RINGING';
  if (held && busy) return 'ONHOLD';
  if (busy) return 'INUSE';
  return 'NOT_INUSE';
}
