/**
 * PJSIPShowContacts and PJSIPShowEndpoints (res/res_pjsip/location.c, pjsip_configuration.c), in
 * the shapes run5 recorded.
 */
import type { EndpointSnapshot } from '../../core/events.js';
import { actionIdFields, sendError, sendListAck, sendListComplete } from '../response.js';
import type { ActionHandler } from './context.js';

/** `sip:1001-0x56@127.0.0.1:5071;transport=udp` → host and port (the simulator's Via is the contact). */
function hostPort(uri: string): { host: string; port: string } {
  const match = /^sips?:(?:[^@]*@)?(\[[^\]]+\]|[^:;>]+)(?::(\d+))?/i.exec(uri);
  return { host: match?.[1] ?? '', port: match?.[2] ?? '5060' };
}

export const pjsipShowContacts: ActionHandler = (ctx) => {
  // Sorcery returns contacts sorted by id (`<aor>;@<hash>`).
  const contacts = ctx.hub.contacts.list(ctx.hub.core).sort((a, b) => (a.objectName < b.objectName ? -1 : a.objectName > b.objectName ? 1 : 0));
  // The trailing newline is in res_pjsip's message, so it is on the wire too.
  if (contacts.length === 0) return sendError(ctx, 'No Contacts found\n');
  sendListAck(ctx, 'A listing of Contacts follows, presented as ContactList events');
  for (const contact of contacts) {
    const { host, port } = hostPort(contact.uri);
    ctx.send([
      ['Event', 'ContactList'],
      ...actionIdFields(ctx.message),
      // Sorcery's object-set order, as recorded.
      ['ObjectType', 'contact'],
      ['ObjectName', contact.objectName],
      ['ViaAddr', host],
      ['QualifyTimeout', '3.000000'],
      ['Qualify2xxOnly', 'false'],
      ['CallId', contact.callId],
      ['RegServer', ''],
      ['PruneOnBoot', 'no'],
      ['Path', ''],
      ['Endpoint', contact.endpointName],
      ['ViaPort', port],
      ['AuthenticateQualify', 'no'],
      ['Uri', contact.uri],
      ['QualifyFrequency', '0'],
      ['UserAgent', contact.userAgent],
      ['ExpirationTime', String(contact.expirationTime)],
      ['OutboundProxy', ''],
      ['Status', contact.status],
      ['RoundtripUsec', contact.status === 'Reachable' ? '0' : 'N/A'],
    ]);
  }
  sendListComplete(ctx, 'ContactListComplete', contacts.length);
  return undefined;
};

/** Device state names as `ast_devstate2str` prints them. */
const DEVICE_STATE_TEXT: Record<string, string> = {
  UNKNOWN: 'Unknown',
  NOT_INUSE: 'Not in use',
  INUSE: 'In use',
  BUSY: 'Busy',
  INVALID: 'Invalid',
  UNAVAILABLE: 'Unavailable',
  RINGING: 'Ringing',
  RINGINUSE: 'Ring+Inuse',
  ONHOLD: 'On Hold',
};

function deviceStateText(endpoint: EndpointSnapshot, lastDeviceState: string | undefined): string {
  if (lastDeviceState !== undefined && DEVICE_STATE_TEXT[lastDeviceState]) return DEVICE_STATE_TEXT[lastDeviceState];
  if (endpoint.state !== 'online') return 'Unavailable';
  return endpoint.channelIds.length > 0 ? 'In use' : 'Not in use';
}

export const pjsipShowEndpoints: ActionHandler = (ctx) => {
  const endpoints = ctx.hub.core
    .listEndpoints()
    .filter((endpoint) => endpoint.technology === 'PJSIP')
    .sort((a, b) => a.resource.localeCompare(b.resource));
  if (endpoints.length === 0) return sendError(ctx, 'No endpoints found\n');
  const allContacts = ctx.hub.contacts.list(ctx.hub.core);
  sendListAck(ctx, 'A listing of Endpoints follows, presented as EndpointList events');
  for (const endpoint of endpoints) {
    // The lab configuration names each endpoint's AOR after the endpoint.
    const aor = endpoint.resource;
    const contacts = allContacts
      .filter((contact) => contact.aor === aor)
      .map((contact) => `${aor}/${contact.uri},`)
      .join('');
    ctx.send([
      ['Event', 'EndpointList'],
      ...actionIdFields(ctx.message),
      ['ObjectType', 'endpoint'],
      ['ObjectName', endpoint.resource],
      ['Transport', ''],
      ['Aor', aor],
      ['Auths', ''],
      ['OutboundAuths', ''],
      ['Contacts', contacts],
      ['DeviceState', deviceStateText(endpoint, ctx.hub.deviceStates.get(`PJSIP/${endpoint.resource}`))],
      // Always empty in Asterisk 22: `active_channels_to_str` returns early when it has a snapshot.
      ['ActiveChannels', ''],
    ]);
  }
  sendListComplete(ctx, 'EndpointListComplete', endpoints.length);
  return undefined;
};
