/**
 * Outgoing calls: requesting channels for a dial string (PJSIP phones, the trunk, Local pairs), the
 * far end of a phone ringing and answering per its endpoint's behaviour, originates (ARI and AMI),
 * ARI `channels/create` + `dial`, and the dialplan `Dial()` application.
 */
import type { OriginateOutcome, OriginateRequest } from './api.js';
import { PbxError } from './api.js';
import { CAUSE } from './causes.js';
import type { Channel, LegFailure } from './channel.js';
import { splitAppArgs } from './dialplan.js';
import type { PartyId } from './events.js';
import { uuid } from './ids.js';
import type { Pbx } from './pbx.js';
import { parseCallerId } from './variables.js';

export interface DialTarget {
  tech: 'PJSIP' | 'Local';
  /** What Dial events call the dial string: everything after `Tech/`. */
  dialString: string;
  /** PJSIP: endpoint the channel is on; the dialled number for a trunk call. */
  endpoint?: string;
  number?: string;
  /** Local: where `;2` runs. */
  exten?: string;
  context?: string;
}

/** Parse `PJSIP/1001`, `PJSIP/13800138000@trunk`, `Local/1001@agents[/n]`. */
export function parseDialTarget(text: string): DialTarget {
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1) throw new PbxError('bad-request', 'Invalid endpoint specified');
  const tech = text.slice(0, slash);
  const rest = text.slice(slash + 1);
  if (tech.toUpperCase() === 'PJSIP') {
    const at = rest.indexOf('@');
    if (at >= 0) return { tech: 'PJSIP', dialString: rest, endpoint: rest.slice(at + 1), number: rest.slice(0, at) };
    return { tech: 'PJSIP', dialString: rest, endpoint: rest };
  }
  if (tech.toLowerCase() === 'local') {
    const target = rest.split('/')[0] ?? rest;
    const at = target.indexOf('@');
    const exten = at >= 0 ? target.slice(0, at) : target;
    const context = at >= 0 ? target.slice(at + 1) : 'default';
    return { tech: 'Local', dialString: rest, exten, context };
  }
  throw new PbxError('not-found', `No such channel technology '${tech}'`);
}

const DIAL_VARS = [
  'DIALSTATUS',
  'DIALEDPEERNUMBER',
  'DIALEDPEERNAME',
  'ANSWEREDTIME',
  'ANSWEREDTIME_MS',
  'DIALEDTIME',
  'DIALEDTIME_MS',
  'RINGTIME',
  'RINGTIME_MS',
  'PROGRESSTIME',
  'PROGRESSTIME_MS',
];

interface OutgoingOptions {
  /** The channel that dials (Dial()); none for originates. */
  caller?: Channel;
  /** `AppDial` for Dial(), `AppDial2` for originates (ast_dial), `AppQueue`, none for ARI create. */
  appDial?: 'AppDial' | 'AppDial2' | 'AppQueue';
  id?: string;
  otherId?: string;
  callerId?: PartyId;
  variables?: Record<string, string>;
  /** Stasis app subscribed before the call starts (ARI originate/create with `app=`). */
  app?: string;
  /**
   * A Local target whose extension does not exist: the pair is still made (ast_request succeeds)
   * but local_call fails before it bridges the halves or passes party ids on.
   */
  unreachable?: boolean;
}

export class Dialing {
  constructor(private readonly pbx: Pbx) {}

  /**
   * Create the outgoing channel for a target (for Local, both halves; the `;1` is returned).
   * Nothing is dialled yet: call `beginDial` to raise `dial` and start the far end.
   */
  request(target: DialTarget, opts: OutgoingOptions): Channel {
    const { pbx } = this;
    for (const id of [opts.id, opts.otherId]) {
      if (id !== undefined && pbx.channels.has(id)) throw new PbxError('conflict', 'Channel with given unique ID already exists');
    }
    const linkedId = opts.caller?.linkedId;
    let out: Channel;
    if (target.tech === 'Local') {
      const exten = target.exten ?? 's';
      const context = target.context ?? 'default';
      if (!opts.unreachable && !pbx.dialplan.exists(context, exten)) {
        throw new PbxError('not-found', `No such extension/context ${exten}@${context} while calling Local channel`);
      }
      const [one] = pbx.createLocalPair(exten, context, {
        ...(opts.id !== undefined ? { id: opts.id } : {}),
        ...(opts.otherId !== undefined ? { otherId: opts.otherId } : {}),
        ...(linkedId !== undefined ? { linkedId } : {}),
      });
      out = one;
      if (opts.caller) pbx.setVar(one, 'DIALEDPEERNUMBER', target.dialString);
    } else {
      const epName = target.endpoint ?? '';
      const ep = pbx.endpoints.get(epName);
      if (!ep) throw new PbxError('not-found', `Unable to create PJSIP channel: endpoint '${epName}' not found`);
      if (ep.state !== 'online' && target.number === undefined) {
        throw new PbxError('not-found', `Unable to create PJSIP channel: endpoint '${epName}' has no contacts`);
      }
      out = pbx.createChannel({
        tech: 'PJSIP',
        resource: epName,
        state: 'Down',
        context: ep.context,
        exten: 's',
        endpoint: ep,
        // The Call-ID of an INVITE Asterisk sends is pjsip's, a UUID (recorded protocol_id and
        // BRIDGEPVTCALLID: runs6-11-b/ari-run10b-requests.txt, pjsip-ari-events.jsonl).
        protocolId: uuid(),
        ...(opts.id !== undefined ? { id: opts.id } : {}),
        ...(linkedId !== undefined ? { linkedId } : {}),
      });
      if (opts.caller) pbx.setVar(out, 'DIALEDPEERNUMBER', target.dialString);
    }
    out.owned = true;
    // app_dial: the callee's caller id is the caller's name with the dialled extension, its
    // connected line the caller's own id (what a phone displays).
    const dialled = opts.caller && { caller: { name: opts.caller.caller.name, number: opts.caller.exten }, connected: opts.caller.caller };
    if (opts.appDial === 'AppDial' && opts.caller && dialled) {
      // Dial() stages them all in one snapshot.
      pbx.prepareDialled(out, { exten: opts.caller.exten, app: opts.appDial, appData: '(Outgoing Line)', ...dialled });
    } else {
      // An originate publishes each on its own (ami-run1-no-ari.txt). app_queue publishes the
      // application with the caller id and the connected line after (ami-run4-queue.txt), which
      // is not reproduced: Queue() goes this way too.
      if (opts.appDial) {
        if (opts.caller) out.exten = opts.caller.exten;
        pbx.setApp(out, opts.appDial, '(Outgoing Line)');
      }
      const parties = dialled ?? (opts.callerId && (opts.callerId.name !== '' || opts.callerId.number !== '') ? { caller: opts.callerId, connected: opts.callerId } : undefined);
      if (parties) {
        pbx.setCaller(out, parties.caller);
        pbx.setConnected(out, parties.connected, false);
      }
    }
    for (const [k, v] of Object.entries(opts.variables ?? {})) pbx.writeVariable(out, k, v);
    if (opts.app !== undefined) {
      pbx.apps.subscribeChannel(opts.app, out.id);
      if (out.localPeer) pbx.apps.subscribeChannel(opts.app, out.localPeer.id);
    }
    if (target.tech === 'Local' && out.localPeer && !opts.unreachable) {
      const two = out.localPeer;
      if (opts.caller) pbx.setVar(two, 'DIALEDPEERNUMBER', target.dialString);
      // local_call: each half sees the other's party ids, set together and published in one
      // snapshot, so ChannelCallerId already shows the connected line (ari-events.jsonl, ami-run1's
      // NewCallerid of the `;2`); a snapshot shows a change only (no ChannelCallerId for empty ids:
      // runs6-11-b/ari-run10-events.jsonl).
      pbx.setParties(two, out.connected, out.caller);
      pbx.emit({
        type: 'local.bridge',
        one: out.snapshot(),
        two: two.snapshot(),
        context: target.context ?? 'default',
        exten: target.exten ?? 's',
      });
    }
    return out;
  }

  /** Raise the `dial` start and set the far end going (phone rings, Local `;2` runs its dialplan). */
  beginDial(out: Channel, target: DialTarget, caller: Channel | undefined): void {
    const { pbx } = this;
    pbx.emit({ type: 'dial', caller: caller?.snapshot() ?? null, peer: out.snapshot(), dialString: target.dialString, dialStatus: '' });
    if (out.tech === 'Local' && out.localPeer) {
      const two = out.localPeer;
      out.localLaunched = true;
      setImmediate(() => {
        if (two.alive && !two.softHangup) pbx.runner.start(two);
      });
      return;
    }
    this.farEnd(out, target);
  }

  /**
   * A SIP phone or the trunk receiving an INVITE: ring, then answer/refuse per its behaviour. On an
   * inter-node trunk the other node's channel answers (core/internode.ts).
   */
  private farEnd(out: Channel, target: DialTarget): void {
    const { pbx } = this;
    const ep = out.endpoint;
    if (!ep) return;
    if (pbx.interNode.handles(ep.resource)) {
      pbx.interNode.invite(out, target.number ?? 's');
      return;
    }
    pbx.scheduler.after(pbx.ringDelayMs, () => {
      if (out.destroyed || !out.leg) return;
      if (ep.state !== 'online' && ep.staticContact === undefined) {
        pbx.legFailed(out, 'CHANUNAVAIL', CAUSE.SUBSCRIBER_ABSENT);
        return;
      }
      // A phone that died without unregistering never answers the INVITE (a guess: no recording).
      if (pbx.endpointVanished(ep)) return;
      const mode = ep.behaviour.answer;
      if (mode === 'busy') {
        pbx.legFailed(out, 'BUSY', CAUSE.BUSY);
        return;
      }
      pbx.legRinging(out);
      if (mode === 'auto') {
        pbx.scheduler.after(ep.behaviour.answerDelayMs, () => {
          if (!out.destroyed && out.state !== 'Up' && out.leg) pbx.farEndAnswer(out, 'auto');
        });
      }
    });
  }

  // ------------------------------------------------------------------ originate

  originate(req: OriginateRequest): OriginateOutcome {
    const { pbx } = this;
    const target = parseDialTarget(req.endpoint);
    const callerId = req.callerId !== undefined && req.callerId !== '' ? parseCallerId(req.callerId) : undefined;
    const unreachable = target.tech === 'Local' && !pbx.dialplan.exists(target.context ?? 'default', target.exten ?? 's');
    const out = this.request(target, {
      appDial: 'AppDial2',
      ...(req.channelId !== undefined ? { id: req.channelId } : {}),
      ...(callerId ? { callerId } : {}),
      ...(req.variables ? { variables: req.variables } : {}),
      ...(req.app !== undefined ? { app: req.app } : {}),
      ...(unreachable ? { unreachable } : {}),
    });
    const snapshot = out.snapshot();
    if (unreachable) return { channel: snapshot, settled: this.failLocalCall(out) };
    let resolveSettled: (v: { answered: boolean; reason: number }) => void = () => undefined;
    const settled = new Promise<{ answered: boolean; reason: number }>((resolve) => {
      resolveSettled = resolve;
    });
    let cancelTimeout: () => void = () => undefined;
    let timedOut = false;
    const timeoutSec = req.timeout ?? 30;
    out.leg = {
      ringing: () => {
        pbx.emit({ type: 'dial', caller: null, peer: out.snapshot(), dialString: target.dialString, dialStatus: 'RINGING' });
      },
      answered: () => {
        cancelTimeout();
        pbx.emit({ type: 'dial', caller: null, peer: out.snapshot(), dialString: target.dialString, dialStatus: 'ANSWER' });
        resolveSettled({ answered: true, reason: 4 });
        this.afterOriginateAnswer(out, req).catch((err: unknown) => {
          pbx.log.warn(`pbx-sim: originated ${out.name} failed: ${String(err)}`);
          pbx.destroyChannel(out);
        });
      },
      failed: (status, cause) => {
        cancelTimeout();
        // ast_dial giving up at its timeout hangs the channel up with no final dial status
        // (ami-run8.txt: Hangup 19 and no DialEnd).
        if (!timedOut) pbx.emit({ type: 'dial', caller: null, peer: out.snapshot(), dialString: target.dialString, dialStatus: status });
        resolveSettled({ answered: false, reason: originateReason(cause, status) });
        pbx.destroyChannel(out, cause);
      },
      // manager.c writes OriginateResponse straight to the sessions while the events of the Local
      // pair's hangup still go through stasis, so it arrives ahead of them (ami-run1): settle as
      // the `;2` starts hanging up; its runner lets the response out before raising more events.
      farEndLeaving: (cause) => {
        resolveSettled({ answered: false, reason: originateReason(cause) });
      },
    };
    if (timeoutSec > 0) {
      cancelTimeout = pbx.scheduler.after(pbx.scheduler.scaled(timeoutSec * 1000), () => {
        if (out.destroyed || !out.leg) return;
        timedOut = true;
        pbx.legFailed(out, 'NOANSWER', CAUSE.NO_ANSWER);
      });
    }
    this.beginDial(out, target, undefined);
    return { channel: snapshot, settled };
  }

  /**
   * local_call() finds no extension for the `;2`: ast_dial hangs up both halves, the `;2` first,
   * with cause 0 and no Dial events (runs6-11-b/ari-run10-events.jsonl, ami-run10-originate-fail.txt).
   */
  private failLocalCall(one: Channel): Promise<{ answered: boolean; reason: number }> {
    const { pbx } = this;
    const two = one.localPeer;
    queueMicrotask(() => {
      one.softHangup = true;
      if (two) pbx.destroyChannel(two, 0);
      pbx.destroyChannel(one, 0);
    });
    return Promise.resolve({ answered: false, reason: 0 });
  }

  private async afterOriginateAnswer(out: Channel, req: OriginateRequest): Promise<void> {
    const { pbx } = this;
    await Promise.resolve();
    if (out.destroyed) return;
    // pbx_exec puts the previous application (AppDial2) back afterwards, without publishing.
    const saved = { app: out.appName, data: out.appData };
    const restore = (): void => {
      out.appName = saved.app;
      out.appData = saved.data;
    };
    if (req.app !== undefined) {
      const exit = await pbx.stasis.run(out, req.app, req.appArgs ?? [], false);
      restore();
      if (exit === 'continue' && out.alive && !out.softHangup) {
        out.owned = false;
        pbx.runner.start(out);
        return;
      }
      pbx.destroyChannel(out);
      return;
    }
    if (req.application !== undefined) {
      pbx.setApp(out, req.application, req.data ?? '');
      await pbx.runner.exec(out, req.application, req.data ?? '');
      restore();
      if (out.alive && out.asyncGoto) {
        out.owned = false;
        pbx.runner.start(out);
        return;
      }
      pbx.destroyChannel(out);
      return;
    }
    out.context = req.context ?? out.context;
    out.exten = req.exten ?? out.exten;
    out.priority = req.priority ?? 1;
    out.owned = false;
    pbx.runner.start(out);
  }

  // ------------------------------------------------------------------ ARI create + dial

  /** ARI `POST /channels/create`: the channel exists, in Stasis, not yet dialled. */
  createForAri(opts: { endpoint: string; app: string; appArgs: string[]; id?: string; otherId?: string; variables?: Record<string, string> }): Channel {
    const { pbx } = this;
    const target = parseDialTarget(opts.endpoint);
    const out = this.request(target, {
      app: opts.app,
      ...(opts.id !== undefined ? { id: opts.id } : {}),
      ...(opts.otherId !== undefined ? { otherId: opts.otherId } : {}),
      ...(opts.variables ? { variables: opts.variables } : {}),
    });
    out.ariDialString = opts.endpoint;
    pbx.stasis
      .run(out, opts.app, opts.appArgs, false)
      .then((exit) => {
        out.appName = '';
        out.appData = '';
        if (exit === 'continue' && out.alive && !out.softHangup) {
          out.owned = false;
          pbx.runner.start(out);
          return;
        }
        pbx.destroyChannel(out);
      })
      .catch(() => pbx.destroyChannel(out));
    return out;
  }

  /** ARI `POST /channels/{id}/dial` on a channel made by `create`. */
  dialAri(out: Channel, caller: Channel | undefined, timeoutSec: number): void {
    const { pbx } = this;
    if (out.state !== 'Down') throw new PbxError('conflict', "Channel is not in the 'Down' state");
    if (out.ariDialString === undefined) throw new PbxError('conflict', 'Dialing a channel not created by ARI');
    const target = parseDialTarget(out.ariDialString);
    out.ariDialString = undefined;
    if (caller) pbx.setConnected(out, caller.caller, false);
    let cancelTimeout: () => void = () => undefined;
    out.leg = {
      ringing: () => {
        pbx.emit({ type: 'dial', caller: caller?.snapshot() ?? null, peer: out.snapshot(), dialString: target.dialString, dialStatus: 'RINGING' });
      },
      answered: () => {
        cancelTimeout();
        pbx.emit({ type: 'dial', caller: caller?.snapshot() ?? null, peer: out.snapshot(), dialString: target.dialString, dialStatus: 'ANSWER' });
      },
      failed: (status, cause) => {
        cancelTimeout();
        pbx.emit({ type: 'dial', caller: caller?.snapshot() ?? null, peer: out.snapshot(), dialString: target.dialString, dialStatus: status });
        // The hangup request was raised already when the far end or the app hung it up.
        if (!out.softHangup) pbx.requestHangup(out, { eventCause: cause, soft: false, hangupCause: cause });
      },
    };
    if (timeoutSec > 0) {
      cancelTimeout = pbx.scheduler.after(pbx.scheduler.scaled(timeoutSec * 1000), () => {
        if (!out.destroyed && out.leg) pbx.legFailed(out, 'NOANSWER', CAUSE.NO_ANSWER);
      });
    }
    if (target.tech === 'Local' && out.localPeer) {
      const two = out.localPeer;
      pbx.setCaller(two, out.connected);
    }
    this.beginDial(out, target, caller);
  }

  // ------------------------------------------------------------------ Dial()

  /**
   * Dial(targets,timeout,options). `queue` mode is the minimal Queue(): no DIAL* variables, the
   * callee leg runs `AppQueue`, and music on hold stops when an agent answers.
   */
  async dialApp(caller: Channel, data: string, mode: 'dial' | 'queue' = 'dial'): Promise<'continue' | 'hangup' | 'unanswered'> {
    const { pbx } = this;
    const [targetsText = '', timeoutText = '', optionsText = ''] = splitAppArgs(data);
    const timeoutSec = Number(timeoutText) > 0 ? Number(timeoutText) : 0;
    const dtmfMatch = /D\(([^)]*)\)/.exec(optionsText);
    const dtmfToCallee = (dtmfMatch?.[1] ?? '').split(':')[0] ?? '';
    const keepGoing = /(^|[^A-Za-z(])g/.test(optionsText.replace(/\([^)]*\)/g, ''));
    const startedAt = Date.now();

    const setVar = (name: string, value: string): void => {
      if (mode === 'dial') pbx.setVar(caller, name, value);
    };
    for (const v of DIAL_VARS) setVar(v, '');

    const peers: { ch: Channel; target: DialTarget; failed?: LegFailure }[] = [];
    for (const text of targetsText.split('&').filter((t) => t.trim() !== '')) {
      try {
        const target = parseDialTarget(text.trim());
        const ch = this.request(target, { caller, appDial: mode === 'dial' ? 'AppDial' : 'AppQueue' });
        peers.push({ ch, target });
      } catch (err) {
        pbx.log.debug?.(`pbx-sim: Dial(${text}) failed: ${String(err)}`);
      }
    }
    if (peers.length === 0) {
      setVar('DIALSTATUS', 'CHANUNAVAIL');
      return mode === 'dial' ? 'continue' : 'unanswered';
    }

    type Outcome = { kind: 'answered'; peer: (typeof peers)[number] } | { kind: 'failed' } | { kind: 'timeout' } | { kind: 'caller-gone' };
    const outcome = await new Promise<Outcome>((resolve) => {
      let done = false;
      const finish = (o: Outcome): void => {
        if (done) return;
        done = true;
        cancelTimeout();
        caller.removeWaker(onCaller);
        resolve(o);
      };
      const onCaller = (): void => {
        if (caller.softHangup || caller.destroyed || caller.asyncGoto) finish({ kind: 'caller-gone' });
        else caller.addWaker(onCaller);
      };
      caller.addWaker(onCaller);
      let cancelTimeout: () => void = () => undefined;
      if (timeoutSec > 0) cancelTimeout = pbx.scheduler.after(pbx.scheduler.scaled(timeoutSec * 1000), () => finish({ kind: 'timeout' }));
      for (const peer of peers) {
        peer.ch.leg = {
          ringing: () => {
            pbx.emit({ type: 'dial', caller: caller.snapshot(), peer: peer.ch.snapshot(), dialString: peer.target.dialString, dialStatus: 'RINGING' });
            this.indicateRinging(caller);
          },
          answered: () => {
            if (done) return;
            setVar('DIALSTATUS', 'ANSWER');
            setVar('DIALEDPEERNAME', peer.ch.name);
            setVar('DIALEDPEERNUMBER', peer.target.dialString);
            let answeredPeer = peer.ch.snapshot();
            if (mode === 'dial') {
              // Once Dial() has its answer the callee's extension is empty, without a Newexten:
              // DialEnd ANSWER (a snapshot made for it) and the callee's later snapshots show
              // `Exten: ` (ami-run1-no-ari.txt, ami-run2/3: DestExten and Hangup of the `;1`).
              peer.ch.exten = '';
              answeredPeer = { ...answeredPeer, dialplan: { ...answeredPeer.dialplan, exten: '' } };
            }
            pbx.emit({ type: 'dial', caller: caller.snapshot(), peer: answeredPeer, dialString: peer.target.dialString, dialStatus: 'ANSWER' });
            finish({ kind: 'answered', peer });
          },
          failed: (status, cause) => {
            peer.failed = status;
            // app_dial (wait_for_answer): a callee that is busy, congested or hangs up before
            // answering passes its cause to the caller, which Hangup() without a cause keeps.
            if (mode === 'dial' && cause > 0) caller.hangupCause = cause;
            pbx.emit({ type: 'dial', caller: caller.snapshot(), peer: peer.ch.snapshot(), dialString: peer.target.dialString, dialStatus: status });
            pbx.destroyChannel(peer.ch, cause);
            if (peers.every((p) => p.failed !== undefined)) finish({ kind: 'failed' });
          },
        };
      }
      for (const peer of peers) this.beginDial(peer.ch, peer.target, caller);
    });

    if (caller.destroyed) return 'hangup';
    const cancelOthers = (except: Channel | undefined, status: LegFailure, cause: number): void => {
      for (const p of peers) {
        if (p.ch === except || p.failed !== undefined || p.ch.destroyed) continue;
        p.ch.leg = undefined;
        pbx.emit({ type: 'dial', caller: caller.snapshot(), peer: p.ch.snapshot(), dialString: p.target.dialString, dialStatus: status });
        pbx.destroyChannel(p.ch, cause);
      }
    };

    if (outcome.kind === 'failed') {
      const statuses = peers.map((p) => p.failed);
      const status = statuses.includes('BUSY') ? 'BUSY' : statuses.includes('CONGESTION') ? 'CONGESTION' : statuses.includes('CANCEL') ? 'NOANSWER' : 'CHANUNAVAIL';
      setVar('DIALSTATUS', status);
      return mode === 'dial' ? 'continue' : 'unanswered';
    }
    if (outcome.kind === 'timeout') {
      cancelOthers(undefined, 'NOANSWER', CAUSE.NORMAL);
      setVar('DIALSTATUS', 'NOANSWER');
      return mode === 'dial' ? 'continue' : 'unanswered';
    }
    if (outcome.kind === 'caller-gone') {
      cancelOthers(undefined, 'CANCEL', CAUSE.NORMAL);
      setVar('DIALSTATUS', 'CANCEL');
      return caller.asyncGoto && !caller.softHangup ? 'continue' : 'hangup';
    }

    const peer = outcome.peer.ch;
    cancelOthers(peer, 'CANCEL', CAUSE.ANSWERED_ELSEWHERE);
    if (mode === 'queue') pbx.media.stopMoh(caller);
    if (dtmfToCallee !== '') await pbx.media.sendDigits(peer, dtmfToCallee, 100, 250, [peer, caller]);
    if (caller.destroyed && peer.destroyed) return 'hangup';
    const answeredAt = Date.now();
    let bridged = false;
    if (caller.alive && !caller.softHangup && peer.alive && !peer.softHangup) {
      pbx.answer(caller);
      caller.ringIndicated = false;
      const bridge = pbx.bridging.create({ type: 'mixing', flags: [], bridgeClass: 'basic', creator: '', name: '' });
      peer.exten = '';
      pbx.setApp(peer, mode === 'dial' ? 'AppDial' : 'AppQueue', '(Outgoing Line)');
      pbx.bridging.enter(bridge, peer, {});
      // ast_bridge_impart waits for the callee's own thread to join before the caller joins; other
      // threads run meanwhile (ami-run2: the originate reads the caller's answer in between).
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (caller.alive && !caller.softHangup) pbx.bridging.enter(bridge, caller, {});
      bridged = true;
      // Until either side hangs up, is redirected, or leaves the bridge.
      while (caller.alive && peer.alive && !caller.softHangup && !peer.softHangup && caller.bridge === bridge && peer.bridge === bridge && !caller.asyncGoto) {
        await new Promise<void>((resolve) => {
          let settledWait = false;
          const wake = (): void => {
            if (settledWait) return;
            settledWait = true;
            caller.removeWaker(wake);
            peer.removeWaker(wake);
            resolve();
          };
          caller.addWaker(wake);
          peer.addWaker(wake);
        });
      }
      if (bridge.destroyed) return 'hangup';
      pbx.bridging.dissolve(bridge);
      // The bridge and the callee are cleaned up after the caller's own teardown (ami-run2 order).
      setImmediate(() => {
        pbx.bridging.destroy(bridge);
        if (peer.alive && peer.owned) pbx.destroyChannel(peer);
      });
    } else if (peer.alive && peer.owned && (peer.softHangup || caller.softHangup)) {
      // The callee went away while Dial() was still busy with it (D() digits): hung up at once,
      // under autoservice, whose stop lets the hangup's device state out first (ami-run1).
      pbx.destroyChannel(peer);
      await Promise.resolve();
    }
    if (bridged) {
      const now = Date.now();
      setVar('ANSWEREDTIME', String(Math.floor((now - answeredAt) / 1000)));
      setVar('ANSWEREDTIME_MS', String(now - answeredAt));
      setVar('DIALEDTIME', String(Math.floor((now - startedAt) / 1000)));
      setVar('DIALEDTIME_MS', String(now - startedAt));
    }
    setVar('DIALSTATUS', 'ANSWER');
    if (!bridged && peer.alive && peer.owned) pbx.destroyChannel(peer);
    if (caller.alive && !caller.softHangup && (keepGoing || caller.asyncGoto)) return 'continue';
    return 'hangup';
  }

  /** Ringing reaches the caller: a Local `;2` makes its `;1` ring; a phone hears ringback. */
  indicateRinging(caller: Channel): void {
    const { pbx } = this;
    if (caller.state === 'Up') return;
    caller.ringIndicated = true;
    caller.remote?.ringing();
    const one = caller.localPeer;
    if (caller.localHalf === 2 && one && one.alive) pbx.legRinging(one);
  }
}

/** pbx_dial_reason(): the OriginateResponse reason of a failed originate, from the hangup cause. */
function originateReason(cause: number, status?: LegFailure): number {
  if (cause === CAUSE.BUSY || status === 'BUSY') return 5; // AST_CONTROL_BUSY
  if (status === 'CONGESTION') return 8;
  // Call rejected, network/destination out of order, temporary failure, congestion.
  if ([CAUSE.CALL_REJECTED, 38, 27, 41, 42, CAUSE.CONGESTION].includes(cause)) return 8; // AST_CONTROL_CONGESTION
  if (cause === CAUSE.NO_ANSWER || cause === CAUSE.ANSWERED_ELSEWHERE) return 3; // AST_CONTROL_RINGING
  return 0;
}
