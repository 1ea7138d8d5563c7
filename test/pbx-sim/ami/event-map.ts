/**
 * Translation of the core's PbxEvents into AMI events with Asterisk 22's names, classes and field
 * order (main/manager_channels.c, manager_bridges.c, stasis_endpoints.c, app_dial.c), as recorded in
 * /work/shared/asterisk/recordings/ami-run*.txt.
 */
import type { ChannelSnapshot, PbxEvent } from '../core/events.js';
import { bridgeFields, channelFields } from './fields.js';
import type { AmiField } from './frame.js';
import { EventFlag, authorityToString } from './permissions.js';

/** One AMI event before serialization: `Event:` and `Privilege:` are added from name and class. */
export interface AmiEvent {
  readonly name: string;
  /** One bit of {@link EventFlag}. */
  readonly category: number;
  readonly fields: readonly AmiField[];
}

/** With a system name set, manager.c adds `SystemName:` after `Privilege:` to every event. */
export function eventFrame(event: AmiEvent, systemName = ''): AmiField[] {
  const head: AmiField[] = [['Event', event.name], ['Privilege', authorityToString(event.category)]];
  if (systemName !== '') head.push(['SystemName', systemName]);
  return [...head, ...event.fields];
}

/**
 * `CID-CallingPres`: with neither a caller number nor a name Asterisk reports the id as unavailable
 * (`ast_party_id_presentation`), as run3 recorded after the transfer cleared a caller id.
 */
function callingPresentation(channel: ChannelSnapshot): string {
  return channel.caller.number === '' && channel.caller.name === ''
    ? '67 (Number Unavailable)'
    : '0 (Presentation Allowed, Not Screened)';
}

/** What a qualify of a simulated phone takes (res_pjsip reports it; run 11 measured 737 µs). */
const REACHABLE_ROUNDTRIP_USEC = '500';

/** Dial statuses that are progress, not the end of the dial (app_dial `dial_status_end`). */
const DIAL_PROGRESS = new Set(['RINGING', 'PROCEEDING', 'PROGRESS']);

/** Maps core events to AMI events; keeps the little state some mappings need. */
export class EventMapper {
  map(event: PbxEvent): AmiEvent[] {
    const call = EventFlag.call;
    switch (event.type) {
      case 'channel.created':
        return [{ name: 'Newchannel', category: call, fields: channelFields(event.channel) }];
      case 'channel.state':
        return [{ name: 'Newstate', category: call, fields: channelFields(event.channel) }];
      case 'channel.dialplan':
        return [
          {
            name: 'Newexten',
            category: EventFlag.dialplan,
            fields: [
              ...channelFields(event.channel),
              // `Extension` repeats `Exten` (deprecated since Asterisk 12, still sent).
              ['Extension', event.channel.dialplan.exten],
              ['Application', event.app],
              ['AppData', event.appData],
            ],
          },
        ];
      case 'channel.callerid':
        return [
          {
            name: 'NewCallerid',
            category: call,
            fields: [...channelFields(event.channel), ['CID-CallingPres', callingPresentation(event.channel)]],
          },
        ];
      case 'channel.connectedline':
        return [{ name: 'NewConnectedLine', category: call, fields: channelFields(event.channel) }];
      case 'channel.varset':
        return [
          {
            name: 'VarSet',
            category: EventFlag.dialplan,
            fields: [...channelFields(event.channel), ['Variable', event.variable], ['Value', event.value]],
          },
        ];
      case 'channel.dtmf.begin':
        return [
          {
            name: 'DTMFBegin',
            category: EventFlag.dtmf,
            fields: [...channelFields(event.channel), ['Digit', event.digit], ['Direction', event.direction]],
          },
        ];
      case 'channel.dtmf.end':
        return [
          {
            name: 'DTMFEnd',
            category: EventFlag.dtmf,
            fields: [
              ...channelFields(event.channel),
              ['Digit', event.digit],
              ['DurationMs', String(event.durationMs)],
              ['Direction', event.direction],
            ],
          },
        ];
      case 'channel.hangup.request':
        return [
          {
            name: event.soft ? 'SoftHangupRequest' : 'HangupRequest',
            category: call,
            // No Cause for a BYE without a Reason header (runs6-11-b/ami-run6-playback.txt).
            fields: [
              ...channelFields(event.channel),
              ...(event.withoutCause ? [] : [['Cause', String(event.cause)] as const]),
              ...(event.techCause ? [['TechCause', String(event.techCause)] as const] : []),
            ],
          },
        ];
      case 'channel.destroyed':
        return [
          {
            name: 'Hangup',
            category: call,
            fields: [
              ...channelFields(event.channel),
              ['Cause', String(event.cause)],
              ['Cause-txt', event.causeTxt],
              ...(event.techCause ? [['TechCause', String(event.techCause)] as const] : []),
            ],
          },
        ];
      case 'channel.hold':
        return [
          {
            name: 'Hold',
            category: call,
            // MusicClass only when one was given (run3's Hold has none).
            fields: [...channelFields(event.channel), ...(event.musicClass ? [['MusicClass', event.musicClass] as const] : [])],
          },
        ];
      case 'channel.unhold':
        return [{ name: 'Unhold', category: call, fields: channelFields(event.channel) }];
      case 'channel.moh.start':
        return [
          { name: 'MusicOnHoldStart', category: call, fields: [...channelFields(event.channel), ['Class', event.musicClass]] },
        ];
      case 'channel.moh.stop':
        return [{ name: 'MusicOnHoldStop', category: call, fields: channelFields(event.channel) }];
      case 'local.bridge':
        return [
          {
            name: 'LocalBridge',
            category: call,
            fields: [
              ...channelFields(event.one, 'LocalOne'),
              ...channelFields(event.two, 'LocalTwo'),
              ['Context', event.context],
              ['Exten', event.exten],
              // The core does not say whether `/n` was dialled; every recorded caller leg optimizes.
              ['LocalOptimization', 'Yes'],
            ],
          },
        ];
      case 'dial':
        return [this.mapDial(event)];
      case 'bridge.created':
        return [{ name: 'BridgeCreate', category: call, fields: bridgeFields(event.bridge) }];
      case 'bridge.destroyed':
        return [{ name: 'BridgeDestroy', category: call, fields: bridgeFields(event.bridge) }];
      case 'bridge.enter':
        return [{ name: 'BridgeEnter', category: call, fields: [...bridgeFields(event.bridge), ...channelFields(event.channel)] }];
      case 'bridge.leave':
        return [{ name: 'BridgeLeave', category: call, fields: [...bridgeFields(event.bridge), ...channelFields(event.channel)] }];
      // Endpoint snapshots change with registrations and channels and send nothing on AMI; res_pjsip's
      // peer status does (ami-run9.txt, runs6-11-b/ami-run11-registration.txt).
      case 'endpoint.state':
        return [];
      case 'peer.status':
        return [
          {
            name: 'PeerStatus',
            category: EventFlag.system,
            fields: [
              ['ChannelType', event.endpoint.technology],
              ['Peer', `${event.endpoint.technology}/${event.endpoint.resource}`],
              ['PeerStatus', event.status],
            ],
          },
        ];
      case 'contact.status':
        return [
          {
            name: 'ContactStatus',
            category: EventFlag.system,
            fields: [
              ['URI', event.uri],
              ['ContactStatus', event.status],
              ['AOR', event.aor],
              ['EndpointName', event.endpointName],
              // The qualify round trip, 0 for a contact not qualified (yet), Removed or Unreachable
              // (ami-run9.txt, runs6-11-b/ami-run11-registration.txt).
              ...(event.status !== 'Created' ? [['RoundtripUsec', event.status === 'Reachable' ? REACHABLE_ROUNDTRIP_USEC : '0'] as const] : []),
            ],
          },
        ];
      case 'device.state':
        return [{ name: 'DeviceStateChange', category: call, fields: [['Device', event.device], ['State', event.state]] }];
      // Stasis, playbacks and recordings have no AMI events.
      case 'stasis.start':
      case 'stasis.end':
      case 'playback.started':
      case 'playback.finished':
      case 'recording.started':
      case 'recording.finished':
      case 'recording.failed':
        return [];
    }
  }

  private mapDial(event: Extract<PbxEvent, { type: 'dial' }>): AmiEvent {
    const fields: AmiField[] = [...(event.caller ? channelFields(event.caller) : []), ...channelFields(event.peer, 'Dest')];
    if (event.dialStatus === '') {
      return { name: 'DialBegin', category: EventFlag.call, fields: [...fields, ['DialString', event.dialString]] };
    }
    const name = DIAL_PROGRESS.has(event.dialStatus) ? 'DialState' : 'DialEnd';
    return { name, category: EventFlag.call, fields: [...fields, ['DialStatus', event.dialStatus]] };
  }
}
