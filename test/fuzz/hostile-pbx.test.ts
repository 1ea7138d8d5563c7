/**
 * What the fuzzing of the PBX side found, pinned down: AMI messages whose event names or ActionIDs
 * collide with the AMI client library's own emitter names, or that repeat a key, once crashed the
 * server (an uncaught exception), hung it (an endless loop) or made it drop and leak its AMI link;
 * an outage record with an absurd number once stopped every later record from being imported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmiEvent } from '../../cti/ami/ami-types.js';
import { silentLogger } from '../../cti/logging.js';
import { startServer, type RunningServer } from '../../main.js';
import type { PbxSim } from '../pbx-sim/index.js';
import { testConfig } from '../support/harness.js';
import { simRequest, waitFor } from '../support/sim-client.js';
import { TestClock } from '../support/test-clock.js';
import { startFakePbx, type FakePbx } from './fake-pbx.js';

let pbx: FakePbx;
let server: RunningServer;
const unhandled: unknown[] = [];
const onUnhandled = (error: unknown) => unhandled.push(error);
const seen = new Set<string>();

beforeAll(async () => {
  process.on('uncaughtException', onUnhandled);
  process.on('unhandledRejection', onUnhandled);
  pbx = await startFakePbx();
  server = await startServer(testConfig({ amiPort: pbx.amiPort, httpUrl: pbx.httpUrl } as PbxSim), silentLogger(), { clock: new TestClock() });
  await waitFor(() => server.link.status().ami && server.link.status().ari && !server.recovery.isRecovering(), 'both links up', 10_000);
  server.link.ami.on('event', (event: AmiEvent) => {
    if (event.name === 'Marker' && event.fields['seq']) seen.add(event.fields['seq']);
  });
}, 30_000);

afterAll(async () => {
  await server?.close();
  await pbx?.stop();
  process.off('uncaughtException', onUnhandled);
  process.off('unhandledRejection', onUnhandled);
});

let seq = 0;
/** Sends `raw`, then a marker event: resolves once the marker came through. */
async function sendThenMarker(raw: string): Promise<void> {
  const mark = String(++seq);
  pbx.sendAmi(raw);
  pbx.sendAmi(`Event: Marker\r\nSeq: ${mark}\r\n\r\n`);
  await waitFor(() => seen.has(mark), `the marker after ${JSON.stringify(raw)}`, 3000);
}

describe('AMI messages that collide with the client library', () => {
  const frames: [string, string][] = [
    ['an event named Close', 'Event: Close\r\n\r\n'],
    ['an event named RawEvent', 'Event: RawEvent\r\n\r\n'],
    ['an event named Error', 'Event: Error\r\nMessage: x\r\n\r\n'],
    ['an event named ManagerEvent', 'Event: ManagerEvent\r\n\r\n'],
    ['a repeated UserEvent key', 'Event: UserEvent\r\nUserEvent: a\r\nUserEvent: b\r\n\r\n'],
    ['a repeated Event key', 'Event: Hangup\r\nEvent: Close\r\nUniqueid: 1.1\r\n\r\n'],
    ['a reply with ActionID error', 'Response: Success\r\nActionID: error\r\n\r\n'],
    ['a reply with ActionID managerevent', 'Response: Success\r\nActionID: managerevent\r\n\r\n'],
    ['a reply with ActionID rawevent', 'Response: Success\r\nActionID: rawevent\r\n\r\n'],
    ['a reply with ActionID close', 'Response: Error\r\nActionID: close\r\n\r\n'],
    ['a reply to no action', 'Response: Success\r\nActionID: cti-999999\r\n\r\n'],
    ['a __proto__ key', 'Event: DeviceStateChange\r\n__proto__: x\r\nDevice: PJSIP/1001\r\nState: INUSE\r\n\r\n'],
  ];
  for (const [what, raw] of frames) {
    it(`${what}: no crash, the link stays up on its one session, events and actions go on`, async () => {
      await sendThenMarker(raw);
      expect(unhandled).toEqual([]);
      expect(server.link.status()).toEqual({ ami: true, ari: true });
      // The reconnect a fake `close` caused came after 250 ms: give it the time to show.
      await new Promise((r) => setTimeout(r, 300));
      expect(pbx.amiSessions()).toBe(1);
      expect(server.link.status().ami).toBe(true);
      await expect(server.link.ami.action('Ping')).resolves.toMatchObject({ response: 'Success' });
      expect((await simRequest(server.httpUrl, 'GET', '/health')).status).toBe(200);
    });
  }
});

describe('outage records in AstDB', () => {
  it('a record with an absurd hold time or date is left for a person; the records after it are imported', async () => {
    pbx.astdb.clear();
    const good = (n: number) => `v=1&caller=1380013800${n}&dialled=12345&start=1781000000&queued=1781000001&member=PJSIP/1001&holdtime=5&queuestatus=COMPLETED&end=1781000100&done=1`;
    pbx.astdb.set('1781000000.1', good(0).replace('holdtime=5', 'holdtime=1e308'));
    pbx.astdb.set('1781000000.2', good(0).replace('start=1781000000', 'start=99999999999999'));
    pbx.astdb.set('1781000000.3', good(0).replace('end=1781000100', 'end=1e3'));
    pbx.astdb.set('1781000000.4', good(1));
    pbx.astdb.set('1781000000.5', good(2));
    await expect(server.outageImport.run()).resolves.toMatchObject({ imported: 4 });
    // The absurd hold time is not known; the absurd start leaves the record unreadable; `1e3` is no epoch.
    expect([...pbx.astdb.keys()]).toEqual(['1781000000.2']);
    expect(unhandled).toEqual([]);
  });
});
