/**
 * What a buggy or hostile PBX might send: AMI byte streams (frames with missing, repeated or
 * reserved keys, event names that collide with a client library's own, replies to actions nobody
 * sent, lines without a colon, binary garbage, huge values), ARI event frames (known and unknown
 * types, channels without ids or with numbers for names, unknown channel ids, non-JSON, binary,
 * huge), and AstDB outage records (the survival path's notes, malformed or absurd).
 */
import fc from 'fast-check';
import { NASTY_KEYS, anyJson, anyNumber, anyString, deepJson, type Json } from './hostile-values.js';

// ---- AMI ----

/** Names a client library might use for its own purposes on the same emitter. */
const EMITTER_NAMES = ['close', 'error', 'connect', 'end', 'data', 'rawevent', 'managerevent', 'response', 'asterisk', 'newListener', 'removeListener', 'userevent', 'timeout', 'drain'];
const AMI_EVENTS = ['ContactStatus', 'DeviceStateChange', 'Hangup', 'Newchannel', 'Newstate', 'FullyBooted', 'PeerStatus', 'DBGetResponse', 'DBGetComplete', 'VarSet', 'UserEvent', 'QueueMemberStatus', 'Shutdown', 'Reload', 'MusicOnHoldStart'];
const AMI_KEYS = ['Event', 'Response', 'ActionID', 'Message', 'Channel', 'Uniqueid', 'Linkedid', 'Device', 'State', 'AOR', 'URI', 'ContactStatus', 'EndpointName', 'Variable', 'ChanVariable', 'UserEvent', 'EventList', 'Privilege', 'Cause', 'Cause-txt', 'Value', 'Val', 'Key', 'Family'];
const DEVICES = ['PJSIP/1001', 'PJSIP/1002', 'PJSIP/9999', 'PJSIP/', 'Local/1001@agents', 'Queue:general_avail', 'PJSIP/1001\u0000', ''];
const STATES = ['NOT_INUSE', 'INUSE', 'BUSY', 'UNAVAILABLE', 'RINGING', 'ONHOLD', 'UNKNOWN', 'INVALID', 'not_inuse', ''];

/** A value on one AMI line: no CR or LF inside (those end the line), anything else goes. */
const lineValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: anyString.map((s) => s.replace(/[\r\n]/g, ' ')) },
  { weight: 3, arbitrary: fc.constantFrom(...DEVICES, ...STATES, 'Reachable', 'Removed', 'Unreachable', '1001', 'Success', 'Error', 'Follows', 'cti-1', 'cti-2', '') },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 30_000 }).map((n) => 'v'.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom('a: b', ': ', 'x=y=z', 'A=1', '=', '\u0000\u0000') },
);

const lineKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...AMI_KEYS) },
  { weight: 2, arbitrary: fc.constantFrom(...NASTY_KEYS.filter((k) => !/[\r\n]/.test(k)), 'EVENT', 'event', ' Event', 'Event ', 'Action') },
  { weight: 1, arbitrary: anyString.map((s) => s.replace(/[\r\n:]/g, '')) },
);

const amiLine = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(lineKey, lineValue).map(([k, v]) => `${k}: ${v}`) },
  { weight: 1, arbitrary: fc.constantFrom('no colon here', ':', ': value without key', 'Key:no-space', '   ', '--END COMMAND--', 'Asterisk Call Manager/1.0') },
);

const eventName = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...AMI_EVENTS) },
  { weight: 3, arbitrary: fc.constantFrom(...EMITTER_NAMES).chain((n) => fc.constantFrom(n, n.toUpperCase(), n[0]?.toUpperCase() + n.slice(1))) },
  { weight: 1, arbitrary: fc.constantFrom('cti-1', 'cti-2', 'cti-3', '1', '') },
  { weight: 1, arbitrary: lineValue },
);

const actionId = fc.oneof(
  fc.constantFrom('cti-1', 'cti-2', 'cti-3', 'cti-4', 'cti-5', 'cti-99'),
  fc.constantFrom(...EMITTER_NAMES),
  lineValue,
);

export interface AmiInput {
  /** The bytes as sent. */
  raw: string | Buffer;
  what: string;
}

const frame = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

export const amiInputs: fc.Arbitrary<AmiInput> = fc.oneof(
  // An event: a name, then any lines (repeated keys included).
  {
    weight: 8,
    arbitrary: fc.tuple(eventName, fc.array(amiLine, { maxLength: 8 })).map(([name, lines]) => ({ raw: frame([`Event: ${name}`, ...lines]), what: 'event' })),
  },
  // The events the server acts on, with plausible and implausible values.
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.constantFrom('DeviceStateChange', 'ContactStatus', 'Hangup'), fc.constantFrom(...DEVICES), fc.constantFrom(...STATES), lineValue, fc.boolean())
      .map(([name, device, state, extra, twice]) => ({
        raw: frame(
          name === 'DeviceStateChange'
            ? [`Event: ${name}`, `Device: ${device}`, `State: ${state}`, ...(twice ? [`State: ${extra}`, `Device: ${extra}`] : [])]
            : name === 'ContactStatus'
              ? [`Event: ${name}`, `AOR: ${device.replace('PJSIP/', '')}`, `ContactStatus: ${twice ? extra : 'Reachable'}`]
              : [`Event: ${name}`, `Uniqueid: ${extra}`, `Channel: ${device}`],
        ),
        what: `event ${name}`,
      })),
  },
  // A reply to an action the server may or may not have sent.
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom('Success', 'Error', 'Goodbye', 'success', 'Follows', ''), actionId, fc.array(amiLine, { maxLength: 4 }))
      .map(([response, id, lines]) =>
        response === 'Follows'
          ? { raw: `Response: Follows\r\nActionID: ${id}\r\n${lines.join('\r\n')}\r\n--END COMMAND--\r\n\r\n`, what: 'response follows' }
          : { raw: frame([`Response: ${response}`, `ActionID: ${id}`, ...lines]), what: 'response' },
      ),
  },
  // Repeated keys on purpose: Event, UserEvent, ActionID, Response twice.
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('Event', 'UserEvent', 'ActionID', 'Response', 'Variable', 'ChanVariable'), eventName, lineValue, lineValue)
      .map(([key, name, a, b]) => ({ raw: frame([`Event: ${name}`, `${key}: ${a}`, `${key}: ${b}`]), what: `repeated ${key}` })),
  },
  // Not AMI at all.
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ raw: Buffer.concat([Buffer.from(bytes), Buffer.from('\r\n\r\n')]), what: 'binary' })),
      fc.array(amiLine, { maxLength: 5 }).map((lines) => ({ raw: `${lines.join('\n')}\n\n`, what: 'LF line endings' })),
      fc.constantFrom('\r\n\r\n\r\n', '\r\r\r\r', '\n', 'Event\r\n\r\n', 'Event:\r\n\r\n', ':\r\n\r\n').map((raw) => ({ raw, what: 'fragments' })),
      fc.integer({ min: 20_000, max: 120_000 }).map((n) => ({ raw: frame([`Event: DeviceStateChange`, `Device: ${'D'.repeat(n)}`, 'State: INUSE']), what: 'huge line' })),
    ),
  },
);

// ---- ARI ----

const OTHER_TYPES = ['ChannelVarset', 'ChannelCreated', 'BridgeCreated', 'ApplicationReplaced', 'ChannelDialplan', 'ChannelCallerId', 'ChannelUserevent', 'DeviceStateChanged', 'RecordingFinished', 'PlaybackContinuing', 'ChannelHold'];

/** Channel ids the server has never heard of, and a few it might confuse with its own. */
const channelId = fc.oneof(fc.constantFrom('1795317697.0', '1795317697.1', 'fuzz-1', 'fuzz-2', 'snoop-1', 'cti-ring-1', ''), fc.integer({ min: 0, max: 100 }).map((n) => `1781056800.${n}`), anyString);

const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq: 4 });
const wrong: fc.Arbitrary<Json> = fc.oneof(fc.constant<Json>(null), fc.boolean(), anyNumber, fc.constant<Json>([]), fc.constant<Json>({}), anyJson);

const clean = (o: Record<string, Json | undefined>): Json => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Json;

const party: fc.Arbitrary<Json> = fc.oneof(
  fc.record({ name: fc.oneof(anyString, wrong), number: fc.oneof(fc.constantFrom('13800138000', '', '+8613800138000', 'anonymous'), anyString, wrong) }) as fc.Arbitrary<Json>,
  wrong,
);

const channel: fc.Arbitrary<Json> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({
        id: maybe(fc.oneof({ weight: 5, arbitrary: channelId }, { weight: 1, arbitrary: wrong })),
        name: maybe(fc.oneof(fc.constantFrom('PJSIP/trunk-00000001', 'PJSIP/1001-00000002', 'Local/1001@agents-00000001;1', 'Snoop/x'), anyString, wrong)),
        state: maybe(fc.oneof(fc.constantFrom('Ring', 'Ringing', 'Up', 'Down', 'Busy'), anyString, wrong)),
        caller: maybe(party),
        connected: maybe(party),
        dialplan: maybe(
          fc.oneof(
            fc.record({
              context: fc.oneof(fc.constantFrom('from-pstn', 'agents'), anyString, wrong),
              exten: fc.oneof(fc.constantFrom('12345', '12315', 's'), anyString, wrong),
              priority: fc.oneof(fc.integer(), wrong),
              app_name: fc.oneof(fc.constantFrom('Stasis', 'Queue', ''), wrong),
              app_data: fc.oneof(fc.constantFrom('hotline12345,12345', 'hotline12345', ''), anyString, wrong),
            }) as fc.Arbitrary<Json>,
            wrong,
          ),
        ),
        creationtime: maybe(fc.oneof(fc.constantFrom('2026-06-10T10:00:00.000+0800', 'yesterday'), wrong)),
        language: maybe(fc.oneof(fc.constantFrom('zh', 'en'), wrong)),
      })
      .map(clean),
  },
  { weight: 1, arbitrary: wrong },
  { weight: 1, arbitrary: channelId },
);

const bridge: fc.Arbitrary<Json> = fc.oneof(
  fc.record({ id: maybe(fc.oneof(channelId as fc.Arbitrary<Json>, wrong)), bridge_type: maybe(fc.oneof(fc.constantFrom('mixing', 'holding'), wrong)), channels: maybe(fc.oneof(fc.array(fc.oneof(channelId as fc.Arbitrary<Json>, wrong), { maxLength: 4 }), wrong)) }).map(clean),
  wrong,
);
const playback: fc.Arbitrary<Json> = fc.oneof(
  fc.record({ id: maybe(fc.oneof(channelId as fc.Arbitrary<Json>, wrong)), media_uri: maybe(fc.oneof(fc.constantFrom('sound:hello-world', 'digits:123'), wrong)), target_uri: maybe(fc.oneof(fc.constantFrom('channel:fuzz-1', 'bridge:x'), wrong)), state: maybe(fc.oneof(fc.constantFrom('playing', 'done', 'failed'), wrong)) }).map(clean),
  wrong,
);
const endpoint: fc.Arbitrary<Json> = fc.oneof(
  fc.record({ technology: maybe(fc.oneof(fc.constantFrom('PJSIP', 'Local', ''), wrong)), resource: maybe(fc.oneof(fc.constantFrom('1001', '1002', '9999', 'trunk'), anyString, wrong)), state: maybe(fc.oneof(fc.constantFrom('online', 'offline', 'unknown'), wrong)), channel_ids: maybe(fc.oneof(fc.array(channelId as fc.Arbitrary<Json>, { maxLength: 3 }), wrong)) }).map(clean),
  wrong,
);

export interface AriInput {
  frame: string | Buffer;
  binary: boolean;
  what: string;
}

/** The fields each event type the server acts on carries (Asterisk's events.json). */
const FIELDS_OF: Record<string, string[]> = {
  StasisStart: ['channel', 'args', 'replace_channel'],
  StasisEnd: ['channel'],
  ChannelStateChange: ['channel'],
  ChannelDtmfReceived: ['channel', 'digit', 'duration_ms'],
  ChannelHangupRequest: ['channel', 'cause', 'soft'],
  ChannelDestroyed: ['channel', 'cause', 'cause_txt'],
  ChannelEnteredBridge: ['channel', 'bridge'],
  ChannelLeftBridge: ['channel', 'bridge'],
  BridgeDestroyed: ['bridge'],
  PlaybackStarted: ['playback'],
  PlaybackFinished: ['playback'],
  Dial: ['peer', 'caller', 'dialstatus'],
  EndpointStateChange: ['endpoint'],
};

const FIELD: Record<string, fc.Arbitrary<Json>> = {
  channel,
  replace_channel: channel,
  peer: channel,
  caller: channel,
  bridge,
  playback,
  endpoint,
  args: fc.oneof(fc.array(fc.oneof(fc.constantFrom<Json>('12345', 'ring', 'snoop', 'cti', ''), anyString, wrong), { maxLength: 4 }), wrong),
  digit: fc.oneof(fc.constantFrom<Json>('1', '9', '#', '*', 'A', '12', ''), wrong),
  duration_ms: fc.oneof(fc.integer(), wrong),
  cause: fc.oneof(fc.integer({ min: -1, max: 200 }), wrong),
  cause_txt: fc.oneof(anyString, wrong),
  soft: fc.oneof(fc.boolean(), wrong),
  dialstatus: fc.oneof(fc.constantFrom<Json>('ANSWER', 'BUSY', 'NOANSWER', 'CANCEL', ''), wrong),
  timestamp: fc.oneof(fc.constant<Json>('2026-06-10T10:00:00.000+0800'), wrong),
  application: fc.oneof(fc.constantFrom<Json>('hotline12345', 'other-app'), wrong),
  [NASTY_KEYS[1] as string]: wrong,
};
const FIELD_NAMES = Object.keys(FIELD);

const eventType: fc.Arbitrary<Json | undefined> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...Object.keys(FIELDS_OF)) },
  { weight: 2, arbitrary: fc.constantFrom(...OTHER_TYPES) },
  { weight: 1, arbitrary: fc.oneof<fc.Arbitrary<Json | undefined>[]>(fc.constantFrom('Nope', 'stasisstart', '__proto__', 'constructor', 'toString', 'Event', 'Message', ''), anyString, wrong, fc.constant(undefined)) },
);

/** An event: its type's own fields (each now and then missing or of the wrong shape), maybe one more. */
const ariEvent: fc.Arbitrary<Json> = eventType.chain((type) => {
  const own = typeof type === 'string' && Object.hasOwn(FIELDS_OF, type) ? (FIELDS_OF[type] ?? []) : [];
  const model: Record<string, fc.Arbitrary<Json | undefined>> = {};
  for (const name of own) model[name] = maybe(FIELD[name] as fc.Arbitrary<Json>);
  return fc.tuple(fc.record(model), fc.option(fc.constantFrom(...FIELD_NAMES), { freq: 3 })).chain(([fields, extra]) =>
    (extra ? (FIELD[extra] as fc.Arbitrary<Json>) : fc.constant<Json>(null)).map((value) =>
      clean({ ...(type !== undefined ? { type } : {}), timestamp: '2026-06-10T10:00:00.000+0800', ...fields, ...(extra ? { [extra]: value } : {}) }),
    ),
  );
});

export const ariInputs: fc.Arbitrary<AriInput> = fc.oneof(
  { weight: 12, arbitrary: ariEvent.map((e) => ({ frame: JSON.stringify(e), binary: false, what: 'event' })) },
  { weight: 1, arbitrary: ariEvent.map((e) => ({ frame: Buffer.from(JSON.stringify(e)), binary: true, what: 'binary event' })) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.constantFrom('', 'null', 'true', '0', '"StasisStart"', '[]', '[{"type":"StasisStart"}]', '{', 'not json', '{"type":"StasisStart",}', '\u0000', '{"__proto__":{"type":"StasisStart"}}', deepJson(5000, 'object'), deepJson(5000, 'array')),
      anyString,
      anyJson.map((v) => JSON.stringify(v)),
    ).map((frame) => ({ frame, binary: false, what: 'not an event' })),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ frame: Buffer.from(bytes), binary: true, what: 'binary garbage' })) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 50_000, max: 300_000 }).map((n) => ({
      frame: JSON.stringify({ type: 'StasisStart', channel: { id: 'fuzz-huge', name: 'PJSIP/trunk-1', state: 'Ring', caller: { name: 'x'.repeat(n), number: '1' } }, args: [] }),
      binary: false,
      what: 'huge event',
    })),
  },
);

// ---- AstDB outage records ----

const epochText = fc.oneof(
  fc.integer({ min: 1_700_000_000, max: 1_900_000_000 }).map(String),
  fc.constantFrom('0', '-1', '1', '1.5', '1e3', '99999999999999', '8640000000001', '9007199254740993', 'NaN', '', ' ', 'now', '1781056800 '),
);

export interface OutageInput {
  key: string;
  value: string;
}

export const outageRecords: fc.Arbitrary<OutageInput> = fc.record({
  key: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 10_000 }).map((n) => `1781000000.${n}`) }, { weight: 1, arbitrary: fc.oneof(anyString, fc.constantFrom('', '../x', 'a,b', 'k'.repeat(80))).map((k) => k.replace(/[\r\n]/g, '')) }),
  value: fc
    .record({
      v: maybe(fc.constantFrom('1', '2', '')),
      caller: maybe(fc.oneof(fc.constantFrom('13800138000', '', 'anonymous'), anyString)),
      dialled: maybe(fc.oneof(fc.constantFrom('12345', '12315', ''), anyString)),
      start: maybe(epochText),
      queued: maybe(epochText),
      member: maybe(fc.constantFrom('PJSIP/1001', 'PJSIP/1002', 'PJSIP/9999', '', 'x')),
      holdtime: maybe(fc.oneof(epochText, fc.constantFrom('5', '-5', '1e308'))),
      queuestatus: maybe(fc.constantFrom('COMPLETED', 'ABANDON', 'TIMEOUT', '')),
      abandoned: maybe(fc.constantFrom('TRUE', 'FALSE', 'true')),
      recording: maybe(fc.oneof(fc.constantFrom('outage-1781000000.1', '../../etc/passwd', ''), anyString)),
      end: maybe(epochText),
      done: maybe(fc.constantFrom('1', '0', '')),
    })
    .chain((fields) =>
      fc.boolean().map((raw) =>
        Object.entries(fields)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => `${k}=${(raw ? String(v) : String(v).replace(/[&,]/g, '')).replace(/[\r\n]/g, ' ')}`)
          .join('&'),
      ),
    ),
});
