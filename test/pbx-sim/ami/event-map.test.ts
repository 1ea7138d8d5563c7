/**
 * The event mapping held to every recorded instance: for each AMI event of a type the core can
 * raise, rebuild the core event from the recorded values, map it, and expect the recorded frame
 * back byte for byte (names, order and values).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHANNEL_STATES } from '../core/events.js';
import type { BridgeSnapshot, ChannelSnapshot, ChannelState, PbxEvent } from '../core/events.js';
import { EventMapper, eventFrame } from './event-map.js';
import type { AmiField } from './frame.js';
import { fieldValue, frameKind, readRecording } from './recording.js';

const RECORDINGS = '/work/shared/asterisk/recordings';

function unknownToEmpty(value: string): string {
  return value === '<unknown>' ? '' : value;
}

function channelFrom(fields: readonly AmiField[], prefix = ''): ChannelSnapshot {
  const get = (key: string): string => fieldValue(fields, `${prefix}${key}`);
  const state = get('ChannelStateDesc') as ChannelState;
  expect(CHANNEL_STATES[state]).toBe(Number(get('ChannelState')));
  return {
    id: get('Uniqueid'),
    linkedId: get('Linkedid'),
    name: get('Channel'),
    state,
    caller: { number: unknownToEmpty(get('CallerIDNum')), name: unknownToEmpty(get('CallerIDName')) },
    connected: { number: unknownToEmpty(get('ConnectedLineNum')), name: unknownToEmpty(get('ConnectedLineName')) },
    accountCode: get('AccountCode'),
    dialplan: { context: get('Context'), exten: get('Exten'), priority: Number(get('Priority')), appName: '', appData: '' },
    creationTime: '',
    language: get('Language'),
    protocolId: '',
  };
}

function bridgeFrom(fields: readonly AmiField[]): BridgeSnapshot {
  const get = (key: string): string => fieldValue(fields, key);
  return {
    id: get('BridgeUniqueid'),
    technology: get('BridgeTechnology'),
    bridgeType: 'mixing',
    bridgeClass: get('BridgeType'),
    creator: unknownToEmpty(get('BridgeCreator')),
    name: unknownToEmpty(get('BridgeName')),
    channelIds: Array.from({ length: Number(get('BridgeNumChannels')) }, (_, i) => `channel-${i}`),
    creationTime: '',
    videoMode: get('BridgeVideoSourceMode'),
  };
}

/** The core event that should produce this recorded AMI event, or undefined for types the core never raises. */
function coreEventFor(fields: readonly AmiField[]): PbxEvent | undefined {
  const get = (key: string): string => fieldValue(fields, key);
  const kind = frameKind(fields);
  switch (kind) {
    case 'Newchannel':
      return { type: 'channel.created', channel: channelFrom(fields) };
    case 'Newstate':
      return { type: 'channel.state', channel: channelFrom(fields) };
    case 'Newexten':
      return { type: 'channel.dialplan', channel: channelFrom(fields), app: get('Application'), appData: get('AppData') };
    case 'NewCallerid':
      return { type: 'channel.callerid', channel: channelFrom(fields) };
    case 'NewConnectedLine':
      return { type: 'channel.connectedline', channel: channelFrom(fields) };
    case 'VarSet':
      return { type: 'channel.varset', channel: channelFrom(fields), variable: get('Variable'), value: get('Value') };
    case 'DTMFBegin':
      return { type: 'channel.dtmf.begin', channel: channelFrom(fields), digit: get('Digit'), direction: get('Direction') as 'Received' };
    case 'DTMFEnd':
      return {
        type: 'channel.dtmf.end',
        channel: channelFrom(fields),
        digit: get('Digit'),
        durationMs: Number(get('DurationMs')),
        direction: get('Direction') as 'Received',
      };
    case 'SoftHangupRequest':
    case 'HangupRequest':
      return {
        type: 'channel.hangup.request',
        channel: channelFrom(fields),
        cause: Number(get('Cause')),
        soft: kind === 'SoftHangupRequest',
        ...(get('TechCause') !== '' ? { techCause: Number(get('TechCause')) } : {}),
      };
    case 'Hangup':
      return {
        type: 'channel.destroyed',
        channel: channelFrom(fields),
        cause: Number(get('Cause')),
        causeTxt: get('Cause-txt'),
        ...(get('TechCause') !== '' ? { techCause: Number(get('TechCause')) } : {}),
      };
    case 'Hold':
      return { type: 'channel.hold', channel: channelFrom(fields), musicClass: get('MusicClass') };
    case 'Unhold':
      return { type: 'channel.unhold', channel: channelFrom(fields) };
    case 'MusicOnHoldStart':
      return { type: 'channel.moh.start', channel: channelFrom(fields), musicClass: get('Class') };
    case 'MusicOnHoldStop':
      return { type: 'channel.moh.stop', channel: channelFrom(fields) };
    case 'LocalBridge':
      // The core cannot say LocalOptimization: No (a `/n` dial); those instances are skipped.
      if (get('LocalOptimization') !== 'Yes') return undefined;
      return {
        type: 'local.bridge',
        one: channelFrom(fields, 'LocalOne'),
        two: channelFrom(fields, 'LocalTwo'),
        context: get('Context'),
        exten: get('Exten'),
      };
    case 'DialBegin':
    case 'DialState':
    case 'DialEnd':
      return {
        type: 'dial',
        caller: get('Channel') === '' ? null : channelFrom(fields),
        peer: channelFrom(fields, 'Dest'),
        dialString: get('DialString'),
        dialStatus: kind === 'DialBegin' ? '' : get('DialStatus'),
      };
    case 'BridgeCreate':
      return { type: 'bridge.created', bridge: bridgeFrom(fields) };
    case 'BridgeDestroy':
      return { type: 'bridge.destroyed', bridge: bridgeFrom(fields) };
    case 'BridgeEnter':
      return { type: 'bridge.enter', bridge: bridgeFrom(fields), channel: channelFrom(fields) };
    case 'BridgeLeave':
      return { type: 'bridge.leave', bridge: bridgeFrom(fields), channel: channelFrom(fields) };
    case 'DeviceStateChange':
      return { type: 'device.state', device: get('Device'), state: get('State') };
    case 'PeerStatus': {
      const [technology = '', resource = ''] = get('Peer').split('/');
      return {
        type: 'peer.status',
        endpoint: { technology, resource, state: 'online', channelIds: [] },
        status: get('PeerStatus') as 'Reachable',
      };
    }
    case 'ContactStatus':
      // The simulator reports one round trip for every reachable contact; the recorded ones vary.
      if (get('ContactStatus') === 'Reachable') return undefined;
      return {
        type: 'contact.status',
        aor: get('AOR'),
        uri: get('URI'),
        status: get('ContactStatus') as 'Removed',
        endpointName: get('EndpointName'),
      };
    default:
      return undefined;
  }
}

const files = readdirSync(RECORDINGS)
  .filter((name) => /^ami-run\d.*\.txt$/.test(name))
  .sort();

describe('event mapping reproduces every recorded instance', () => {
  it('finds the recordings', () => {
    expect(files).toHaveLength(10);
  });

  for (const file of files) {
    it(file, () => {
      const recording = readRecording(join(RECORDINGS, file));
      const checked = new Set<string>();
      const raisable = new Set(recording.steps.flatMap((s) => (s.kind === 'server' && coreEventFor(s.fields) ? [frameKind(s.fields)] : [])));
      for (const step of recording.steps) {
        if (step.kind !== 'server') continue;
        const event = coreEventFor(step.fields);
        if (!event) continue;
        const mapped = new EventMapper().map(event);
        expect(mapped).toHaveLength(1);
        const [amiEvent] = mapped;
        if (!amiEvent) continue;
        expect(eventFrame(amiEvent)).toEqual(step.fields);
        checked.add(frameKind(step.fields));
      }
      // Every kind the core can raise is checked (ami-run9 holds only registration events).
      expect(checked).toEqual(raisable);
      expect(checked.size).toBeGreaterThan(Math.min(5, raisable.size - 1));
    });
  }
});

describe('events without a recorded instance', () => {
  it('maps the peer status to PeerStatus; endpoint snapshots alone send nothing', () => {
    const mapper = new EventMapper();
    const endpoint = { technology: 'PJSIP', resource: '1001', state: 'online' as const, channelIds: [] };
    expect(mapper.map({ type: 'endpoint.state', endpoint })).toEqual([]);
    const [online] = mapper.map({ type: 'peer.status', endpoint, status: 'Reachable' });
    expect(online && eventFrame(online)).toEqual([
      ['Event', 'PeerStatus'],
      ['Privilege', 'system,all'],
      ['ChannelType', 'PJSIP'],
      ['Peer', 'PJSIP/1001'],
      ['PeerStatus', 'Reachable'],
    ]);
    expect(mapper.map({ type: 'peer.status', endpoint, status: 'Unreachable' }).map((e) => e.fields.at(-1))).toEqual([['PeerStatus', 'Unreachable']]);
  });

  it('maps contact status changes to ContactStatus', () => {
    const [event] = new EventMapper().map({
      type: 'contact.status',
      aor: '1001',
      uri: 'sip:1001@127.0.0.1:5071',
      status: 'Created',
      endpointName: '1001',
    });
    expect(event && eventFrame(event)).toEqual([
      ['Event', 'ContactStatus'],
      ['Privilege', 'system,all'],
      ['URI', 'sip:1001@127.0.0.1:5071'],
      ['ContactStatus', 'Created'],
      ['AOR', '1001'],
      ['EndpointName', '1001'],
    ]);
  });

  it('sends nothing for Stasis, playback and recording events', () => {
    const channel = channelFrom([
      ['Channel', 'PJSIP/1001-00000001'],
      ['ChannelState', '6'],
      ['ChannelStateDesc', 'Up'],
    ]);
    expect(new EventMapper().map({ type: 'stasis.start', app: 'a', args: [], channel })).toEqual([]);
  });
});
