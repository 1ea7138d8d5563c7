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

  const refresh = () => {
    // AMI may come up first: ARI's own 'connected' asks once it is there.
    if (!ari.isConnected) return;
    ari
      .listEndpoints()
      .then((endpoints) => {
        for (const e of endpoints) {
          agents.setPhoneRegistered(`${e.technology}/${e.resource}`, e.state === 'online', node);
          agents.setPhoneInUse(`${e.technology}/${e.resource}`, e.channelIds.length > 0, node);
        }
      })
      .catch((error: unknown) => log.warn({ err: (error as Error).message }, 'could not list endpoints'));
  };

  const onAri = (event: AriEvent) => {
    if (event.type !== 'EndpointStateChange') return;
    agents.setPhoneRegistered(`${event.endpoint.technology}/${event.endpoint.resource}`, event.endpoint.state === 'online', node);
  };

  const onAmi = (event: AmiEvent) => {
    if (event.name === 'ContactStatus') {
      const aor = event.fields.aor;
      const status = event.fields.contactstatus;
      if (!aor || !status) return;
      if (status === 'Reachable' || status === 'Created' || status === 'Updated') agents.setPhoneRegistered(`PJSIP/${aor}`, true, node);
      else if (status === 'Removed' || status === 'Unreachable') agents.setPhoneRegistered(`PJSIP/${aor}`, false, node);
    } else if (event.name === 'DeviceStateChange') {
      const device = event.fields.device;
      const state = event.fields.state;
      if (!device?.startsWith('PJSIP/') || !state) return;
      if (UNREGISTERED_DEVICE_STATES.has(state)) agents.setPhoneRegistered(device, false, node);
      else agents.setPhoneRegistered(device, true, node);
      agents.setPhoneInUse(device, BUSY_DEVICE_STATES.has(state), node);
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
