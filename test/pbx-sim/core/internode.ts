/**
 * Inter-node SIP trunks: several simulated Asterisk nodes in one process, each with one PJSIP
 * endpoint per other node named `internode-<node>`. A call out of `PJSIP/<ext>@internode-b` on
 * node a becomes, on node b, an incoming call on its endpoint `internode-a` for `<ext>`, run in that
 * endpoint's context; ringing, answer, hang-up and DTMF cross between the two channels.
 *
 * Nothing of this is recorded (the lab had one Asterisk); what a real trunk would do is guessed
 * from chan_pjsip and listed in the README ("Several nodes"):
 *  - causes cross unchanged in both directions, as res_pjsip_rfc3326's `Reason: Q.850` header
 *    carries them on BYE, CANCEL and final responses;
 *  - a peer that is not linked, stopped or restarting refuses at once with 503 (cause 34), as a
 *    TCP transport whose connection is refused; a real UDP trunk would wait for Timer B (32 s);
 *  - a node that dies takes its trunk calls with it: the other node hangs up its side at once with
 *    cause 34, where a real one would wait for RTP or session timers;
 *  - the From of the INVITE is the outgoing channel's connected line, pjsip's
 *    `default_from_user` (`asterisk`) when that is empty;
 *  - an incoming call on a node without the endpoint `internode-<caller>` is refused as res_pjsip
 *    refuses unidentified requests (401, cause 21); an extension missing from the endpoint's
 *    context gets 404 (cause 1), as chan_pjsip does.
 */
import { CAUSE } from './causes.js';
import type { Channel, RemoteParty } from './channel.js';
import type { PartyId } from './events.js';
import type { Pbx } from './pbx.js';

/** Endpoints with this name prefix are trunks to other nodes. */
export const INTERNODE_PREFIX = 'internode-';

/** chan_pjsip's cause for a 503 (a transport error reads the same). */
const UNREACHABLE_CAUSE = CAUSE.CONGESTION;
/** 401 to an INVITE no endpoint identifies (res_pjsip answers unidentified requests with a challenge). */
const UNIDENTIFIED_CAUSE = CAUSE.CALL_REJECTED;

export interface NodeLink {
  /** The core of the node at the other end. */
  peer: Pbx;
  /** Its endpoint that calls from this node arrive on (`internode-<this node>`). */
  incomingEndpoint: string;
}

/** A network hop: signalling reaches the other node after what runs now (never re-entrantly). */
function hop(fn: () => void): void {
  setImmediate(fn);
}

export class InterNodeTrunks {
  /** By local endpoint name (`internode-b`). */
  private readonly links = new Map<string, NodeLink>();

  constructor(private readonly pbx: Pbx) {}

  /** Calls out of `endpoint` reach `link.peer`; returns the unlink. */
  link(endpoint: string, link: NodeLink): () => void {
    this.links.set(endpoint, link);
    return () => {
      if (this.links.get(endpoint) === link) this.links.delete(endpoint);
    };
  }

  /** Whether calls out of this endpoint go to another simulated node. */
  handles(endpoint: string): boolean {
    return endpoint.startsWith(INTERNODE_PREFIX);
  }

  /** Node `pbx` can take calls: started, not stopped, not in a simulated restart. */
  private static up(pbx: Pbx): boolean {
    return pbx.booted && !pbx.stopped;
  }

  /** The INVITE of an outgoing channel on an inter-node endpoint, for `exten` at the other node. */
  invite(out: Channel, exten: string): void {
    const local = this.pbx;
    const endpoint = out.endpoint?.resource ?? '';
    const link = this.links.get(endpoint);
    hop(() => {
      if (out.destroyed || !out.leg) return;
      if (!link || !InterNodeTrunks.up(link.peer)) {
        local.log.debug?.(`pbx-sim: ${out.name}: no node answers on ${endpoint}`);
        local.farEndHangup(out, UNREACHABLE_CAUSE);
        return;
      }
      const peer = link.peer;
      const ep = peer.endpoints.get(link.incomingEndpoint);
      if (!ep) {
        local.farEndHangup(out, UNIDENTIFIED_CAUSE);
        return;
      }
      if (!peer.dialplan.exists(ep.context, exten)) {
        local.farEndHangup(out, CAUSE.UNALLOCATED);
        return;
      }
      const from: PartyId = out.connected.number !== '' ? out.connected : { name: out.connected.name, number: 'asterisk' };
      // One SIP dialog: the incoming channel carries the Call-ID of the INVITE the other node sent.
      const inc = peer.createChannel({ tech: 'PJSIP', resource: ep.resource, state: 'Ring', context: ep.context, exten, caller: from, endpoint: ep, protocolId: out.protocolId });
      peer.setVar(inc, 'SIPDOMAIN', '127.0.0.1');
      pair(local, out, peer, inc);
      peer.devices.channelChanged(inc);
      peer.runner.start(inc);
    });
  }
}

/**
 * Join the two channels of one trunk call: `out` on the calling node, `inc` on the called one. Each
 * side's RemoteParty tells the other what its channel did; a side that ended tells nothing more.
 */
function pair(outPbx: Pbx, out: Channel, incPbx: Pbx, inc: Channel): void {
  let outEnded = false;
  let incEnded = false;
  const toInc = (fn: () => void): void =>
    hop(() => {
      if (!inc.destroyed) fn();
    });
  const toOut = (fn: () => void): void =>
    hop(() => {
      if (!out.destroyed) fn();
    });
  const outSide: RemoteParty = {
    // The caller's side neither rings nor answers towards the callee.
    ringing: () => undefined,
    answered: () => undefined,
    hungUp: (cause) => {
      if (outEnded) return;
      outEnded = true;
      toInc(() => incPbx.farEndHangup(inc, cause));
    },
    vanished: () => {
      if (outEnded) return;
      outEnded = true;
      toInc(() => incPbx.farEndHangup(inc, UNREACHABLE_CAUSE));
    },
    dtmf: (digit, durationMs) => toInc(() => void incPbx.media.receiveDigit(inc, digit, durationMs)),
  };
  const incSide: RemoteParty = {
    ringing: () => {
      if (incEnded) return;
      toOut(() => {
        if (out.state !== 'Up' && out.leg) outPbx.legRinging(out);
      });
    },
    answered: () => {
      if (incEnded) return;
      toOut(() => outPbx.farEndAnswer(out, 'internode'));
    },
    hungUp: (cause) => {
      if (incEnded) return;
      incEnded = true;
      toOut(() => outPbx.farEndHangup(out, cause));
    },
    vanished: () => {
      if (incEnded) return;
      incEnded = true;
      toOut(() => outPbx.farEndHangup(out, UNREACHABLE_CAUSE));
    },
    dtmf: (digit, durationMs) => toOut(() => void outPbx.media.receiveDigit(out, digit, durationMs)),
  };
  out.remote = outSide;
  inc.remote = incSide;
}
