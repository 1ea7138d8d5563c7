/**
 * Keeps the agent registry's view of which phones are registered and which are on a call: ARI
 * endpoint states (and their channels) at start, on every ARI and AMI reconnect and on every
 * `EndpointStateChange`, and AMI `ContactStatus` / `DeviceStateChange` (which also cover phones
 * outside the Stasis application's view). An unregistered phone is never offered a call, nor one
 * already on a call the server did not give it — e.g. a call Asterisk's own queue put through while
 * the server was down.
 */
import type { AmiConnection } from '../ami/ami-connection.js';
import type { AmiEvent } from '../ami/ami-types.js';
import type { AriConnection } from '../ari/ari-connection.js';
import type { AriEvent } from '../ari/ari-types.js';
import type { Logger } from '../logging.js';
import type { AgentRegistry } from './agent-registry.js';

const UNREGISTERED_DEVICE_STATES = new Set(['UNAVAILABLE', 'INVALID', 'UNKNOWN']);
const BUSY_DEVICE_STATES = new Set(['INUSE', 'BUSY', 'RINGING', 'RINGINUSE', 'ONHOLD']);

/**
 * Follows one Asterisk node: what it says of a phone is recorded as that node's word (a phone is
 * registered on one node; the others call it offline).
 */
export function trackPhonePresence(deps: { node: string; ari: AriConnection; ami: AmiConnection; agents: AgentRegistry; log: Logger }): () => void {
  const { node, ari, ami, agents, log } = deps;

  // A listing tells each phone's state as Asterisk handled the request; an event heard after the
  // request went out is at least as new. Without this, a listing answered late (a slow link, a busy
  // loop) put back a call the phone had meanwhile hung up, and that phone was never offered a call
  // again: no event comes for a phone that stays idle. Counted per fact, as events tell one or both.
  let heard = 0;
  const registrationHeard = new Map<string, number>();
  const useHeard = new Map<string, number>();
  const setRegistered = (endpoint: string, registered: boolean) => {
    registrationHeard.set(endpoint, ++heard);
    agents.setPhoneRegistered(endpoint, registered, node);
  };
  const setInUse = (endpoint: string, inUse: boolean) => {
    useHeard.set(endpoint, ++heard);
    agents.setPhoneInUse(endpoint, inUse, node);
  };

  const refresh = () => {
    // AMI may come up first: ARI's own 'connected' asks once it is there.
    if (!ari.isConnected) return;
    const asked = heard;
    const older = (when: Map<string, number>, endpoint: string) => (when.get(endpoint) ?? 0) <= asked;
    ari
      .listEndpoints()
      .then((endpoints) => {
        for (const e of endpoints) {
          const endpoint = `${e.technology}/${e.resource}`;
          if (older(registrationHeard, endpoint)) agents.setPhoneRegistered(endpoint, e.state === 'online', node);
          if (older(useHeard, endpoint)) agents.setPhoneInUse(endpoint, e.channelIds.length > 0, node);
        }
      })
      .catch((error: unknown) => log.warn({ err: (error as Error).message }, 'could not list endpoints'));
  };

  const onAri = (event: AriEvent) => {
    if (event.type !== 'EndpointStateChange') return;
    setRegistered(`${event.endpoint.technology}/${event.endpoint.resource}`, event.endpoint.state === 'online');
  };

  const onAmi = (event: AmiEvent) => {
    if (event.name === 'ContactStatus') {
      const aor = event.fields.aor;
      const status = event.fields.contactstatus;
      if (!aor || !status) return;
      if (status === 'Reachable' || status === 'Created' || status === 'Updated') setRegistered(`PJSIP/${aor}`, true);
      else if (status === 'Removed' || status === 'Unreachable') setRegistered(`PJSIP/${aor}`, false);
    } else if (event.name === 'DeviceStateChange') {
      const device = event.fields.device;
      const state = event.fields.state;
      if (!device?.startsWith('PJSIP/') || !state) return;
      setRegistered(device, !UNREGISTERED_DEVICE_STATES.has(state));
      setInUse(device, BUSY_DEVICE_STATES.has(state));
    }
  };

  ari.on('event', onAri);
  ari.on('connected', refresh);
  // Device states sent while the manager link was down are lost: ask again.
  ami.on('connected', refresh);
  ami.on('event', onAmi);
  if (ari.isConnected) refresh();
  return () => {
    ari.off('event', onAri);
    ari.off('connected', refresh);
    ami.off('connected', refresh);
    ami.off('event', onAmi);
  };
}
