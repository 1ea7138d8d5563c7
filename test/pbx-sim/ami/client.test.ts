/**
 * The AMI server driven by the real `asterisk-manager` 0.2.0 client, as the product uses it.
 * The package has no types of its own; the narrow interface below covers what this test calls.
 */
import createManagerUntyped from 'asterisk-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAmiServer } from './server.js';
import type { AmiServer } from './server.js';
import { FakeCore, makeChannel } from './testing/fake-core.js';

type AmiObject = Record<string, unknown>;
/** Object values become one `Key: name=value` line each (how the product sends `Variable`). */
type ManagerAction = Record<string, string | Record<string, string>>;

interface ManagerClient {
  on(event: string, listener: (payload: AmiObject) => void): void;
  once(event: string, listener: (payload: AmiObject) => void): void;
  action(action: ManagerAction, callback: (error: AmiObject | undefined, response: AmiObject) => void): string;
  disconnect(): void;
}

type ManagerFactory = (port: number, host: string, username: string, password: string, events: boolean) => ManagerClient;
const createManager = createManagerUntyped as unknown as ManagerFactory;

const WAIT_MS = 5_000;

function waitFor<T>(register: (resolve: (value: T) => void) => void, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), WAIT_MS);
    register((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

function act(manager: ManagerClient, action: ManagerAction): Promise<{ error: AmiObject | undefined; response: AmiObject }> {
  return waitFor((resolve) => {
    manager.action(action, (error, response) => resolve({ error, response }));
  }, `${JSON.stringify(action.action)} response`);
}

let core: FakeCore;
let server: AmiServer;
let manager: ManagerClient | undefined;

beforeEach(async () => {
  core = new FakeCore();
  server = await startAmiServer({ core, host: '127.0.0.1', port: 0, users: [{ username: 'cti', secret: 'cti-secret' }] });
});

afterEach(async () => {
  manager?.disconnect();
  manager = undefined;
  await server.close();
});

/** Connect and log in; the package logs in by itself when given credentials. */
async function connected(): Promise<ManagerClient> {
  const client = createManager(server.port, '127.0.0.1', 'cti', 'cti-secret', true);
  manager = client;
  await waitFor<AmiObject>((resolve) => client.once('fullybooted', resolve), 'FullyBooted');
  return client;
}

describe('asterisk-manager 0.2.0 against the simulator', () => {
  it('logs in and gets Pong', async () => {
    const client = await connected();
    const { error, response } = await act(client, { action: 'Ping' });
    expect(error).toBeUndefined();
    expect(response.response).toBe('Success');
    expect(response.ping).toBe('Pong');
  });

  it('receives events with lower-cased keys', async () => {
    const client = await connected();
    const event = waitFor<AmiObject>((resolve) => client.on('newchannel', resolve), 'Newchannel');
    core.emit({
      type: 'channel.created',
      channel: makeChannel({ id: '1795312595.0', name: 'Local/s@caller-sim-00000000;1', caller: { name: '市民', number: '13800138000' } }),
    });
    const newchannel = await event;
    expect(newchannel.event).toBe('Newchannel');
    expect(newchannel.channel).toBe('Local/s@caller-sim-00000000;1');
    expect(newchannel.calleridname).toBe('市民');
    expect(newchannel.privilege).toBe('call,all');
  });

  it('passes errors to the callback', async () => {
    const client = await connected();
    const { error } = await act(client, { action: 'Hangup', channel: 'PJSIP/none-00000000' });
    expect(error?.message).toBe('No such channel');
  });

  it('gets the first reply of a list action and the items as events', async () => {
    const client = await connected();
    core.addChannel(makeChannel({ id: '1.1', name: 'PJSIP/1001-00000001' }));
    const item = waitFor<AmiObject>((resolve) => client.on('coreshowchannel', resolve), 'CoreShowChannel');
    const complete = waitFor<AmiObject>((resolve) => client.on('coreshowchannelscomplete', resolve), 'complete');
    const { response } = await act(client, { action: 'CoreShowChannels' });
    expect(response.eventlist).toBe('start');
    expect((await item).channel).toBe('PJSIP/1001-00000001');
    expect((await complete).listitems).toBe('1');
  });

  it('originates with a Variable object and gets OriginateResponse', async () => {
    const client = await connected();
    const originateResponse = waitFor<AmiObject>((resolve) => client.on('originateresponse', resolve), 'OriginateResponse');
    const { response } = await act(client, {
      action: 'Originate',
      channel: 'Local/s@caller-sim',
      application: 'Wait',
      data: '5',
      callerid: '"PSTN Caller" <13800138000>',
      variable: { TICKET: 'T-1', SKILL: 'consult' },
      async: 'true',
    });
    expect(response.message).toBe('Originate successfully queued');
    const event = await originateResponse;
    expect(event.response).toBe('Success');
    expect(event.actionid).toBe(response.actionid);
    expect(core.calls[0]?.args[0]).toMatchObject({ variables: { TICKET: 'T-1', SKILL: 'consult' } });
  });
});
