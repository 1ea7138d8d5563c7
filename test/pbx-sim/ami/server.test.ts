/**
 * Frame-level tests of the AMI server over a raw TCP socket, against a scriptable fake core.
 * Expected frames come from the recorded Asterisk 22 sessions wherever one recorded the case.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AmiField } from './frame.js';
import { frameKind, readRecording } from './recording.js';
import type { Recording } from './recording.js';
import { startAmiServer } from './server.js';
import type { AmiServer } from './server.js';
import { FakeCore, makeBridge, makeChannel } from './testing/fake-core.js';
import { RawAmiClient } from './testing/raw-client.js';

const RECORDINGS = '/work/shared/asterisk/recordings';
const recordings = new Map<string, Recording>();
function recording(name: string): Recording {
  let loaded = recordings.get(name);
  if (!loaded) {
    loaded = readRecording(join(RECORDINGS, `ami-${name}.txt`));
    recordings.set(name, loaded);
  }
  return loaded;
}

/** The first recorded server frame of a kind (`Newchannel`, `Response:Error`, …) matching `where`. */
function recorded(name: string, kind: string, where: (fields: AmiField[]) => boolean = () => true): AmiField[] {
  for (const step of recording(name).steps) {
    if (step.kind === 'server' && frameKind(step.fields) === kind && where(step.fields)) return step.fields;
  }
  throw new Error(`no ${kind} in ${name}`);
}

const keys = (fields: readonly AmiField[]): string[] => fields.map(([key]) => key);
const value = (fields: readonly AmiField[] | undefined, key: string): string | undefined => fields?.find(([k]) => k === key)?.[1];
const hasActionId = (id: string) => (fields: readonly AmiField[]) => value(fields, 'ActionID') === id;

let core: FakeCore;
let server: AmiServer;
const clients: RawAmiClient[] = [];

async function client(): Promise<RawAmiClient> {
  const c = await RawAmiClient.connect(server.port);
  clients.push(c);
  await c.waitFor(() => c.banner !== undefined, 'banner');
  return c;
}

async function loggedIn(): Promise<RawAmiClient> {
  const c = await client();
  await c.login();
  await c.waitFor((frames) => frames.some((f) => frameKind(f) === 'SuccessfulAuth'), 'SuccessfulAuth');
  return c;
}

/** Send an action and return the frames of its answer: the response and, for lists, everything up to `…Complete`. */
async function exchange(c: RawAmiClient, fields: Record<string, string>, listEnd?: string): Promise<AmiField[][]> {
  const id = fields.ActionID ?? '';
  c.action(fields);
  return c.waitFor((frames) => {
    const mine = frames.filter(hasActionId(id));
    if (mine.length === 0) return undefined;
    if (listEnd === undefined) return mine.slice(0, 1);
    return mine.some((f) => frameKind(f) === listEnd) ? mine : undefined;
  }, `answer to ${id}`);
}

beforeEach(async () => {
  core = new FakeCore();
  server = await startAmiServer({ core, host: '127.0.0.1', port: 0, users: [
      { username: 'cti', secret: 'cti-secret' },
      // The shipped manager.conf's filters for the CTI server's user.
      { username: 'filtered', secret: 'f-secret', eventFilters: ['Event: ContactStatus', 'Event: DeviceStateChange', 'Event: Hangup', '!Event: Hangup[A-Z]'] },
    ],
  });
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server.close();
});

describe('connection and login', () => {
  it('greets with the Asterisk 22 banner', async () => {
    const c = await client();
    expect(c.received).toBe('Asterisk Call Manager/11.0.0\r\n');
  });

  it('answers a login like run1: response, FullyBooted, SuccessfulAuth', async () => {
    const c = await client();
    c.write('Action: Login\r\nUsername: cti\r\nSecret: cti-secret\r\nActionID: run1-no-ari-1\r\n\r\n');
    const frames = await c.waitFor((f) => (f.length >= 3 ? f : undefined), 'login frames');
    expect(frames[0]).toEqual(recorded('run1-no-ari', 'Response:Success', hasActionId('run1-no-ari-1')));
    expect(keys(frames[1] ?? [])).toEqual(keys(recorded('run1-no-ari', 'FullyBooted')));
    expect(value(frames[1], 'Privilege')).toBe('system,all');
    expect(keys(frames[2] ?? [])).toEqual(keys(recorded('run1-no-ari', 'SuccessfulAuth')));
    expect(value(frames[2], 'AccountID')).toBe('cti');
    expect(value(frames[2], 'RemoteAddress')).toMatch(/^IPV4\/TCP\/127\.0\.0\.1\/\d+$/);
    expect(value(frames[2], 'LocalAddress')).toBe(`IPV4/TCP/127.0.0.1/${server.port}`);
  });

  it('accepts any case in action and header names', async () => {
    const c = await client();
    c.write('ACTION: login\r\nusername: CTI\r\nsecret: cti-secret\r\nactionid: a1\r\n\r\n');
    const response = await c.response('a1');
    expect(value(response, 'Message')).toBe('Authentication accepted');
  });

  it('rejects a wrong secret with an Error and closes the connection', async () => {
    const c = await client();
    c.action({ Action: 'Login', Username: 'cti', Secret: 'wrong', ActionID: 'bad-1' });
    await c.closed;
    expect(c.frames()).toEqual([
      [
        ['Response', 'Error'],
        ['ActionID', 'bad-1'],
        ['Message', 'Authentication failed'],
      ],
    ]);
  });

  it('rejects an unknown user the same way', async () => {
    const c = await client();
    c.action({ Action: 'Login', Username: 'nobody', Secret: 'cti-secret' });
    await c.closed;
    expect(c.frames()).toEqual([
      [
        ['Response', 'Error'],
        ['Message', 'Authentication failed'],
      ],
    ]);
  });

  it('refuses actions before login but keeps the connection', async () => {
    const c = await client();
    expect(await exchange(c, { Action: 'CoreShowChannels', ActionID: 'early' })).toEqual([
      [
        ['Response', 'Error'],
        ['ActionID', 'early'],
        ['Message', 'Permission denied'],
      ],
    ]);
    expect(value(await c.login(), 'Response')).toBe('Success');
  });

  it('supports MD5 challenge login', async () => {
    const { createHash } = await import('node:crypto');
    const c = await client();
    const [challengeFrame] = await exchange(c, { Action: 'Challenge', AuthType: 'MD5', ActionID: 'ch' });
    const challenge = value(challengeFrame, 'Challenge') ?? '';
    expect(challenge).toMatch(/^\d+$/);
    const key = createHash('md5').update(challenge).update('cti-secret').digest('hex');
    const [response] = await exchange(c, { Action: 'Login', AuthType: 'MD5', Username: 'cti', Key: key, ActionID: 'md5' });
    expect(value(response, 'Message')).toBe('Authentication accepted');
  });

  it('says goodbye on Logoff like run1 and closes', async () => {
    const c = await loggedIn();
    c.write('Action: Logoff\r\nActionID: run1-no-ari-3\r\n\r\n');
    await c.closed;
    expect(c.frames().at(-1)).toEqual(recorded('run1-no-ari', 'Response:Goodbye'));
  });

  it('allows Logoff before login', async () => {
    const c = await client();
    const [goodbye] = await exchange(c, { Action: 'Logoff', ActionID: 'x' });
    expect(value(goodbye, 'Response')).toBe('Goodbye');
    await c.closed;
  });
});

describe('request handling', () => {
  it('echoes ActionID on every response, and only when given', async () => {
    const c = await loggedIn();
    const [pong] = await exchange(c, { Action: 'Ping', ActionID: 'p-1' });
    expect(keys(pong ?? [])).toEqual(['Response', 'ActionID', 'Ping', 'Timestamp']);
    expect(value(pong, 'Ping')).toBe('Pong');
    expect(value(pong, 'Timestamp')).toMatch(/^\d+\.\d{6}$/);
    c.action({ Action: 'Ping' });
    const anonymous = await c.waitFor((frames) => frames.find((f) => value(f, 'Ping') === 'Pong' && value(f, 'ActionID') === undefined));
    expect(keys(anonymous)).toEqual(['Response', 'Ping', 'Timestamp']);
  });

  it('answers unknown and missing actions like Asterisk', async () => {
    const c = await loggedIn();
    expect(await exchange(c, { Action: 'FooBar', ActionID: 'u' })).toEqual([
      [
        ['Response', 'Error'],
        ['ActionID', 'u'],
        ['Message', 'Invalid/unknown command: FooBar. Use Action: ListCommands to show available commands.'],
      ],
    ]);
    expect(await exchange(c, { Foo: 'bar', ActionID: 'm' })).toEqual([
      [
        ['Response', 'Error'],
        ['ActionID', 'm'],
        ['Message', 'Missing action in request'],
      ],
    ]);
  });

  it('processes LF-only input', async () => {
    const c = await client();
    c.write('Action: Login\nUsername: cti\nSecret: cti-secret\nActionID: lf\n\n');
    expect(value(await c.response('lf'), 'Message')).toBe('Authentication accepted');
  });

  it('survives garbage and a huge line; the server keeps serving', async () => {
    const c = await loggedIn();
    c.write('this is not a header\r\n\x00\x01\xff binary\r\n\r\n');
    c.write(`Action: Ping\r\nX: ${'y'.repeat(300_000)}\r\nActionID: long\r\n\r\n`);
    expect(await exchange(c, { Action: 'Ping', ActionID: 'after' })).toHaveLength(1);
    const frames = c.frames();
    expect(frames.some((f) => value(f, 'Message') === 'Missing action in request')).toBe(true);
    expect(frames.find(hasActionId('long'))).toEqual([
      ['Response', 'Error'],
      ['ActionID', 'long'],
      ['Message', 'Failed to parse message: line too long'],
    ]);
    const other = await client();
    expect(value(await other.login(), 'Response')).toBe('Success');
  });

  it('survives a client that vanishes mid-message', async () => {
    const c = await client();
    c.write('Action: Login\r\nUsern');
    c.close();
    await c.closed;
    const other = await client();
    expect(value(await other.login(), 'Response')).toBe('Success');
  });
});

describe('events', () => {
  const caller = makeChannel({ id: '1795312595.0', name: 'Local/s@caller-sim-00000000;1', state: 'Down' });

  it('delivers core events as AMI events with their privilege', async () => {
    const c = await loggedIn();
    core.emit({ type: 'channel.created', channel: caller });
    core.emit({ type: 'channel.dtmf.begin', channel: caller, digit: '1', direction: 'Received' });
    const frames = await c.waitFor((f) => (f.some((x) => frameKind(x) === 'DTMFBegin') ? f : undefined));
    const newchannel = frames.find((f) => frameKind(f) === 'Newchannel');
    expect(keys(newchannel ?? [])).toEqual(keys(recorded('run1-no-ari', 'Newchannel')));
    expect(value(newchannel, 'CallerIDNum')).toBe('<unknown>');
    expect(value(frames.find((f) => frameKind(f) === 'DTMFBegin'), 'Privilege')).toBe('dtmf,all');
  });

  it('honours the Events action and Login Events:', async () => {
    const c = await loggedIn();
    expect(await exchange(c, { Action: 'Events', EventMask: 'call', ActionID: 'ev' })).toEqual([
      [
        ['Response', 'Success'],
        ['ActionID', 'ev'],
        ['Events', 'On'],
      ],
    ]);
    core.emit({ type: 'channel.dtmf.begin', channel: caller, digit: '1', direction: 'Received' });
    core.emit({ type: 'channel.state', channel: caller });
    await c.waitFor((f) => f.some((x) => frameKind(x) === 'Newstate'));
    expect(c.frames().some((f) => frameKind(f) === 'DTMFBegin')).toBe(false);

    expect(value((await exchange(c, { Action: 'Events', EventMask: 'off', ActionID: 'off' }))[0], 'Events')).toBe('Off');
    expect(value((await exchange(c, { Action: 'Events', ActionID: 'bad' }))[0], 'Message')).toBe('Invalid event mask');

    const quiet = await client();
    quiet.action({ Action: 'Login', Username: 'cti', Secret: 'cti-secret', Events: 'off', ActionID: 'q' });
    await quiet.response('q');
    core.emit({ type: 'channel.state', channel: caller });
    await exchange(quiet, { Action: 'Ping', ActionID: 'sync' });
    expect(quiet.frames().map(frameKind)).toEqual(['Response:Success', 'Response:Success']);
  });

  it("sends a user with eventfilter lines only the events they let through", async () => {
    const c = await client();
    c.action({ Action: 'Login', Username: 'filtered', Secret: 'f-secret', ActionID: 'login' });
    await c.response('login');
    core.emit({ type: 'channel.state', channel: caller });
    core.emit({ type: 'channel.hangup.request', channel: caller, cause: 16, soft: false });
    core.emit({ type: 'channel.destroyed', channel: caller, cause: 16, causeTxt: 'Normal Clearing' });
    await c.waitFor((f) => f.some((x) => frameKind(x) === 'Hangup'));
    await exchange(c, { Action: 'Ping', ActionID: 'sync' });
    const events = c.frames().map(frameKind).filter((k) => !k.startsWith('Response:'));
    expect(events).toContain('Hangup');
    expect(events).not.toContain('Newstate');
    expect(events).not.toContain('HangupRequest');
    expect(events).not.toContain('SuccessfulAuth');
  });

  it('holds events raised during an action until its response is written', async () => {
    const c = await loggedIn();
    c.action({ Action: 'Originate', Channel: 'Local/s@caller-sim', Application: 'Wait', Data: '5', Async: 'true', ActionID: 'o' });
    const frames = await c.waitFor((f) => (f.some((x) => frameKind(x) === 'OriginateResponse') ? f : undefined));
    const kinds = frames.map(frameKind).slice(3);
    expect(kinds).toEqual(['Response:Success', 'Newchannel', 'OriginateResponse']);
  });
});

describe('list actions', () => {
  const agent = makeChannel({
    id: '1795312603.6',
    name: 'Local/12345@from-pstn-00000003;1',
    caller: { number: '12345', name: 'Hotline 12345' },
    connected: { number: '13800138000', name: 'PSTN Caller' },
    dialplan: { context: 'from-pstn', exten: '', priority: 1, appName: 'AppDial', appData: '(Outgoing Line)' },
  });

  it('frames CoreShowChannels like run3 (empty) and run2 (items)', async () => {
    const c = await loggedIn();
    const empty = await exchange(c, { Action: 'CoreShowChannels', ActionID: 'run3-actions-4' }, 'CoreShowChannelsComplete');
    expect(empty).toEqual([
      recorded('run3-actions', 'Response:Success', hasActionId('run3-actions-4')),
      recorded('run3-actions', 'CoreShowChannelsComplete', hasActionId('run3-actions-4')),
    ]);

    core.addChannel(agent);
    core.bridges.set('b1', makeBridge({ id: 'b1', channelIds: [agent.id] }));
    const [ack, item, complete] = await exchange(c, { Action: 'CoreShowChannels', ActionID: 'csc' }, 'CoreShowChannelsComplete');
    expect(keys(ack ?? [])).toEqual(['Response', 'ActionID', 'EventList', 'Message']);
    expect(keys(item ?? [])).toEqual(keys(recorded('run2-with-ari', 'CoreShowChannel')));
    expect(value(item, 'BridgeId')).toBe('b1');
    expect(value(item, 'Duration')).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(value(complete, 'ListItems')).toBe('1');
  });

  it('frames Status like run3', async () => {
    const c = await loggedIn();
    core.addChannel(agent);
    const [ack, item, complete] = await exchange(c, { Action: 'Status', ActionID: 'st' }, 'StatusComplete');
    expect(value(ack, 'Message')).toBe('Channel status will follow');
    expect(keys(item ?? [])).toEqual(keys(recorded('run3-actions', 'Status')));
    expect(value(item, 'Privilege')).toBe('Call');
    expect(keys(complete ?? [])).toEqual(keys(recorded('run3-actions', 'StatusComplete')));
    const [missing] = await exchange(c, { Action: 'Status', Channel: 'PJSIP/none-00000000', ActionID: 'st2' });
    expect(value(missing, 'Message')).toBe('No such channel');
  });

  it('frames BridgeList and BridgeInfo like run2/run3', async () => {
    const c = await loggedIn();
    core.addChannel(agent);
    core.bridges.set('b1', makeBridge({ id: 'b1', channelIds: [agent.id] }));
    const list = await exchange(c, { Action: 'BridgeList', ActionID: 'bl' }, 'BridgeListComplete');
    expect(list.map(keys)).toEqual([
      keys(recorded('run2-with-ari', 'Response:Success', hasActionId('run2-with-ari-4'))),
      keys(recorded('run2-with-ari', 'BridgeListItem')),
      keys(recorded('run2-with-ari', 'BridgeListComplete')),
    ]);
    expect(value(list[1], 'BridgeCreator')).toBe('<unknown>');
    const info = await exchange(c, { Action: 'BridgeInfo', BridgeUniqueid: 'b1', ActionID: 'bi' }, 'BridgeInfoComplete');
    expect(info.map(keys)).toEqual([
      keys(recorded('run3-actions', 'Response:Success', hasActionId('run3-actions-18'))),
      keys(recorded('run3-actions', 'BridgeInfoChannel')),
      keys(recorded('run3-actions', 'BridgeInfoComplete')),
    ]);
  });

  it('answers QueueStatus and QueueSummary with empty lists', async () => {
    const c = await loggedIn();
    const status = await exchange(c, { Action: 'QueueStatus', ActionID: 'qs' }, 'QueueStatusComplete');
    expect(status.map(frameKind)).toEqual(['Response:Success', 'QueueStatusComplete']);
    expect(value(status[0], 'Message')).toBe('Queue status will follow');
    const summary = await exchange(c, { Action: 'QueueSummary', ActionID: 'qm' }, 'QueueSummaryComplete');
    expect(value(summary[0], 'Message')).toBe('Queue summary will follow');
    expect(value(summary[1], 'ListItems')).toBe('0');
  });

  it('lists PJSIP contacts like run5 and endpoints', async () => {
    const c = await loggedIn();
    const [none] = await exchange(c, { Action: 'PJSIPShowContacts', ActionID: 'pc0' });
    expect(value(none, 'Response')).toBe('Error');
    core.endpoints = [{ technology: 'PJSIP', resource: '1001', state: 'online', channelIds: [] }];
    core.emit({ type: 'contact.status', aor: '1001', uri: 'sip:1001@127.0.0.1:5071', status: 'Created', endpointName: '1001' });
    const contacts = await exchange(c, { Action: 'PJSIPShowContacts', ActionID: 'pc' }, 'ContactListComplete');
    expect(contacts.map(keys)).toEqual([
      keys(recorded('run5-pjsip', 'Response:Success', hasActionId('run5-pjsip-3'))),
      keys(recorded('run5-pjsip', 'ContactList')),
      keys(recorded('run5-pjsip', 'ContactListComplete')),
    ]);
    expect(value(contacts[1], 'ViaPort')).toBe('5071');
    expect(value(contacts[1], 'Status')).toBe('NonQualified');
    const endpoints = await exchange(c, { Action: 'PJSIPShowEndpoints', ActionID: 'pe' }, 'EndpointListComplete');
    expect(endpoints.map(frameKind)).toEqual(['Response:Success', 'EndpointList', 'EndpointListComplete']);
    expect(value(endpoints[1], 'Contacts')).toBe('1001/sip:1001@127.0.0.1:5071,');
    expect(value(endpoints[1], 'DeviceState')).toBe('Not in use');
  });

  it('prefers the core\'s contact list when it offers one', async () => {
    const c = await loggedIn();
    core.listContacts = () => [{ aor: '1002', uri: 'sip:1002@127.0.0.1:5072', endpointName: '1002', status: 'Reachable', userAgent: 'baresip' }];
    const contacts = await exchange(c, { Action: 'PJSIPShowContacts', ActionID: 'pc' }, 'ContactListComplete');
    expect(value(contacts[1], 'ObjectName')).toMatch(/^1002;@[0-9a-f]{32}$/);
    expect(value(contacts[1], 'UserAgent')).toBe('baresip');
    expect(value(contacts[1], 'Status')).toBe('Reachable');
    const again = await exchange(c, { Action: 'PJSIPShowContacts', ActionID: 'pc2' }, 'ContactListComplete');
    expect(value(again[1], 'CallId')).toBe(value(contacts[1], 'CallId'));
  });
});

describe('channel actions', () => {
  const agent = makeChannel({ id: '1795312668.24', name: 'Local/1002@agents-0000000b;1' });

  it('redirects, and answers errors like run3', async () => {
    const c = await loggedIn();
    core.addChannel(agent);
    const [ok] = await exchange(c, { Action: 'Redirect', Channel: agent.name, Context: 'agents', Exten: '1003', Priority: '1', ActionID: 'run3-actions-11' });
    expect(ok).toEqual(recorded('run3-actions', 'Response:Success', hasActionId('run3-actions-11')));
    expect(core.calls.at(-1)).toEqual({ method: 'redirect', args: [agent.id, 'agents', '1003', 1] });
    const [missing] = await exchange(c, {
      Action: 'Redirect',
      Channel: 'PJSIP/nonexistent-00000000',
      Context: 'agents',
      Exten: '1003',
      Priority: '1',
      ActionID: 'run3-actions-12',
    });
    expect(missing).toEqual(recorded('run3-actions', 'Response:Error', hasActionId('run3-actions-12')));
    const [noContext] = await exchange(c, { Action: 'Redirect', Channel: agent.name, ActionID: 'r3' });
    expect(value(noContext, 'Message')).toBe('Context not specified');
  });

  it('hangs up by name like run3/run4 and by regex with the recorded list framing', async () => {
    const c = await loggedIn();
    core.addChannel(agent);
    const [ok] = await exchange(c, { Action: 'Hangup', Channel: agent.name, ActionID: 'run3-actions-10' });
    expect(ok).toEqual(recorded('run3-actions', 'Response:Success', hasActionId('run3-actions-10')));
    const [missing] = await exchange(c, { Action: 'Hangup', Channel: agent.name, ActionID: 'h2' });
    expect(value(missing, 'Message')).toBe('No such channel');

    core.addChannel(makeChannel({ id: 'a.1', name: 'Local/1004@agents-0000000c;1' }));
    core.addChannel(makeChannel({ id: 'a.2', name: 'Local/1004@agents-0000000c;2' }));
    core.addChannel(makeChannel({ id: 'p.1', name: 'PJSIP/1001-00000001' }));
    const list = await exchange(c, { Action: 'Hangup', Channel: '/^Local\\//', ActionID: 'run3-actions-20' }, 'ChannelsHungupListComplete');
    expect(list[0]).toEqual(recorded('run3-actions', 'Response:Success', hasActionId('run3-actions-20')));
    expect(list.slice(1, -1).map((f) => value(f, 'Channel'))).toEqual(['Local/1004@agents-0000000c;1', 'Local/1004@agents-0000000c;2']);
    expect(keys(list[1] ?? [])).toEqual(keys(recorded('run3-actions', 'ChannelHungup')));
    expect(keys(list.at(-1) ?? [])).toEqual(keys(recorded('run3-actions', 'ChannelsHungupListComplete')));
    expect(core.listChannels().map((ch) => ch.name)).toEqual(['PJSIP/1001-00000001']);
    const [bad] = await exchange(c, { Action: 'Hangup', Channel: '/unclosed', ActionID: 'h4' });
    expect(value(bad, 'Message')).toBe('Regex format invalid, Channel param should be /regex/');
  });

  it('reads and sets variables', async () => {
    const c = await loggedIn();
    core.addChannel(agent);
    const [set] = await exchange(c, { Action: 'Setvar', Channel: agent.name, Variable: 'TICKET', Value: 'T-1', ActionID: 's' });
    expect(set).toEqual([
      ['Response', 'Success'],
      ['ActionID', 's'],
      ['Message', 'Variable Set'],
    ]);
    const [get] = await exchange(c, { Action: 'Getvar', Channel: agent.name, Variable: 'TICKET', ActionID: 'g' });
    expect(get).toEqual([
      ['Response', 'Success'],
      ['ActionID', 'g'],
      ['Variable', 'TICKET'],
      ['Value', 'T-1'],
    ]);
    const [uniqueid] = await exchange(c, { Action: 'Getvar', Channel: agent.name, Variable: 'CHANNEL(uniqueid)', ActionID: 'g2' });
    expect(value(uniqueid, 'Value')).toBe(agent.id);
    await exchange(c, { Action: 'Setvar', Variable: 'GLOBAL1', Value: 'x', ActionID: 's2' });
    expect(value((await exchange(c, { Action: 'Getvar', Variable: 'GLOBAL1', ActionID: 'g3' }))[0], 'Value')).toBe('x');
    const [noChannel] = await exchange(c, { Action: 'Getvar', Channel: 'nope', Variable: 'X', ActionID: 'g4' });
    expect(value(noChannel, 'Message')).toBe('No such channel');
  });

  it('runs core show version the Asterisk 22 way', async () => {
    const c = await loggedIn();
    const [version] = await exchange(c, { Action: 'Command', Command: 'core show version', ActionID: 'cmd' });
    expect(keys(version ?? [])).toEqual(['Response', 'ActionID', 'Message', 'Output', 'Output']);
    expect(value(version, 'Message')).toBe('Command output follows');
    expect(value(version, 'Output')).toMatch(/^Asterisk 22\.10\.1 built by /);
    const [unknown] = await exchange(c, { Action: 'Command', Command: 'frobnicate now', ActionID: 'cmd2' });
    expect(value(unknown, 'Response')).toBe('Error');
    expect(value(unknown, 'Output')).toBe("No such command 'frobnicate now' (type 'core show help frobnicate' for other possible commands)");
  });
});

describe('Originate', () => {
  it('async success broadcasts OriginateResponse with run2 fields', async () => {
    const c = await loggedIn();
    const other = await loggedIn();
    c.write(
      'Action: Originate\r\nChannel: Local/s@caller-sim\r\nApplication: Wait\r\nData: 10\r\nCallerID: "PSTN Caller" <13800138000>\r\nAsync: true\r\nActionID: run2-with-ari-2\r\n\r\n',
    );
    const response = await c.waitFor((f) => f.find((x) => frameKind(x) === 'OriginateResponse'));
    expect(keys(response)).toEqual(keys(recorded('run2-with-ari', 'OriginateResponse')));
    expect(value(response, 'Response')).toBe('Success');
    expect(value(response, 'Reason')).toBe('4');
    expect(value(response, 'CallerIDName')).toBe('PSTN Caller');
    // Asterisk sends it to every session, not just the one that asked.
    await other.waitFor((f) => f.find((x) => frameKind(x) === 'OriginateResponse'));
    expect(core.calls[0]).toEqual({
      method: 'originate',
      args: [
        {
          endpoint: 'Local/s@caller-sim',
          application: 'Wait',
          data: '10',
          callerId: '"PSTN Caller" <13800138000>',
          timeout: 30,
          variables: {},
        },
      ],
    });
  });

  it('async failure reports like run1', async () => {
    const c = await loggedIn();
    core.originateBehaviour = { answered: false, reason: 0 };
    c.write(
      'Action: Originate\r\nChannel: Local/s@caller-sim\r\nApplication: Wait\r\nData: 5\r\nCallerID: "PSTN Caller" <13800138000>\r\nAsync: true\r\nActionID: run1-no-ari-2\r\n\r\n',
    );
    const response = await c.waitFor((f) => f.find((x) => frameKind(x) === 'OriginateResponse'));
    expect(response).toEqual(recorded('run1-no-ari', 'OriginateResponse'));
  });

  it('sync originate waits for the outcome; exten form and variables reach the core', async () => {
    const c = await loggedIn();
    const [ok] = await exchange(c, {
      Action: 'Originate',
      Channel: 'PJSIP/1001',
      Context: 'agents',
      Exten: '1002',
      Priority: '1',
      Timeout: '15000',
      Variable: 'A=1,B=2',
      ChannelId: 'my-id',
      ActionID: 'sync',
    });
    expect(ok).toEqual([
      ['Response', 'Success'],
      ['ActionID', 'sync'],
      ['Message', 'Originate successfully queued'],
    ]);
    expect(core.calls[0]?.args[0]).toEqual({
      endpoint: 'PJSIP/1001',
      context: 'agents',
      exten: '1002',
      priority: 1,
      timeout: 15,
      variables: { A: '1', B: '2' },
      channelId: 'my-id',
    });
    core.originateBehaviour = 'throw';
    const [failed] = await exchange(c, { Action: 'Originate', Channel: 'PJSIP/none', Application: 'Wait', ActionID: 'sync2' });
    expect(value(failed, 'Message')).toBe('Originate failed');
  });

  it('validates its headers', async () => {
    const c = await loggedIn();
    const message = async (fields: Record<string, string>): Promise<string | undefined> =>
      value((await exchange(c, { Action: 'Originate', ...fields, ActionID: JSON.stringify(fields) }))[0], 'Message');
    expect(await message({})).toBe('Channel not specified');
    expect(await message({ Channel: 'nobody', Application: 'Wait' })).toBe('Invalid channel');
    expect(await message({ Channel: 'PJSIP/1001', Priority: 'x', Context: 'a', Exten: '1' })).toBe('Invalid priority');
    expect(await message({ Channel: 'PJSIP/1001', Timeout: 'soon', Application: 'Wait' })).toBe('Invalid timeout');
    expect(await message({ Channel: 'PJSIP/1001' })).toBe("Originate with 'Exten' requires 'Context' and 'Priority'");
  });
});

describe('server lifecycle', () => {
  it('dropConnections kills client sockets but keeps listening', async () => {
    const c = await loggedIn();
    server.dropConnections();
    await c.closed;
    const again = await client();
    expect(value(await again.login(), 'Response')).toBe('Success');
  });

  it('close stops listening, closes sessions and unsubscribes from the core', async () => {
    const c = await loggedIn();
    expect(core.listenerCount).toBe(1);
    await server.close();
    await c.closed;
    expect(core.listenerCount).toBe(0);
    await expect(RawAmiClient.connect(server.port)).rejects.toThrow();
  });
});
