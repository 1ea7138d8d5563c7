/**
 * ARI conformance: replay the two recorded ARI scenarios against the simulator loaded with the lab
 * configuration the recordings were made with, making the same REST requests, and compare
 *  - the sequence of events: same types, same key structure at every level, and the same
 *    essentials (channel names up to their counters, states, applications, variables, dial states,
 *    causes, arguments; see ariEssentials in support/conformance.ts);
 *  - the REST answers: same status and same keys, and the same body for errors.
 * Ids, times and random values differ. RTPAUDIOQOS* variables are left out: the simulator carries
 * no RTP, so Asterisk's RTCP statistics have nothing to report.
 */
import { describe, expect, it } from 'vitest';
import { startPbxSim } from './index.js';
import { AriRest, EventStream, until } from './support/ari-harness.js';
import { expectSameEvents, RecordedAnswers, recordedEvents, recordedRequests } from './support/conformance.js';
import { closeAfterEach } from './support/conformance-run.js';

const LAB_CONF = '/work/shared/asterisk/lab-conf';
const APP = 'hotline12345';

const opened = closeAfterEach();

/** What both recorded apps did once the caller pressed 1: a mixing bridge, the agent originated into the app, both bridged. */
async function bridgeWithAgent(
  ari: AriRest,
  events: EventStream,
  answers: RecordedAnswers,
  caller: string,
  endpoint: string,
): Promise<{ bridge: { id: string }; agent: string }> {
  const bridge = (await answers.expectLike(ari.call('POST', '/bridges', { type: 'mixing', name: `hotline-${caller}` }), 'POST', '/ari/bridges')) as {
    id: string;
  };
  await answers.expectLike(
    ari.call('POST', '/channels', { endpoint, app: APP, appArgs: `agent,${caller}`, callerId: '"Hotline 12345" <12345>', timeout: '30' }),
    'POST',
    '/ari/channels',
  );
  const agentStart = await events.waitFor((e) => e.type === 'StasisStart' && (e['args'] as string[])[0] === 'agent', 'the agent StasisStart');
  const agent = (agentStart['channel'] as { id: string }).id;
  await answers.expectLike(ari.call('POST', `/bridges/${bridge.id}/addChannel`, { channel: `${caller},${agent}` }), 'POST', '/ari/bridges/ID/addChannel');
  return { bridge, agent };
}

describe('ARI conformance with the recordings', () => {
  it('run 2: Local-channel caller, DTMF, agent originated into the app, bridged, hung up (ari-events.jsonl)', async () => {
    const expected = recordedEvents('ari-events.jsonl');
    const answers = new RecordedAnswers(recordedRequests('ari-requests.txt'));
    const sim = opened(await startPbxSim({ configDir: LAB_CONF }));
    const ari = new AriRest(sim.httpUrl);
    const stream = opened(await EventStream.open(sim.httpUrl, APP));

    const app = await answers.expectLike(ari.call('GET', `/applications/${APP}`), 'GET', '/ari/applications/hotline12345');
    expect(app).toEqual({ name: APP, channel_ids: [], bridge_ids: [], endpoint_ids: [], device_names: [], events_allowed: [], events_disallowed: [] });

    // What AMI Originate did in the recording: a caller on Local/s@caller-sim dialling 12345.
    const originate = sim.core.originate({
      endpoint: 'Local/s@caller-sim',
      application: 'Wait',
      data: '10',
      callerId: '"PSTN Caller" <13800138000>',
      timeout: 30,
    });
    void originate.settled;

    const start = await stream.waitFor((e) => e.type === 'StasisStart', 'the caller StasisStart');
    const caller = (start['channel'] as { id: string }).id;
    await answers.expectLike(ari.call('POST', `/channels/${caller}/answer`), 'POST', '/ari/channels/ID/answer');
    await answers.expectLike(ari.call('GET', `/channels/${caller}`), 'GET', '/ari/channels/ID');
    await stream.waitFor((e) => e.type === 'ChannelDtmfReceived', 'the DTMF 1 sent by Dial D(ww1)');

    const { bridge, agent } = await bridgeWithAgent(ari, stream, answers, caller, 'Local/1001@agents');
    await answers.expectLike(ari.call('GET', `/bridges/${bridge.id}`), 'GET', '/ari/bridges/ID');
    const list = (await answers.expectLike(ari.call('GET', '/channels'), 'GET', '/ari/channels')) as unknown[];
    expect(list).toHaveLength(6);

    // The recorder held the call for 3 s; everything up to the first hangup request has arrived by then.
    const beforeHangup = expected.findIndex((e) => e.type === 'ChannelHangupRequest');
    await stream.waitForCount(beforeHangup);
    await answers.expectLike(ari.call('DELETE', `/channels/${caller}`, { reason: 'normal' }), 'DELETE', '/ari/channels/ID');
    await stream.waitFor((e) => e.type === 'StasisEnd', 'the caller StasisEnd');
    await answers.expectLike(ari.call('DELETE', `/channels/${agent}`), 'DELETE', '/ari/channels/ID');
    await stream.waitFor((e) => e.type === 'ChannelDestroyed' && String((e['channel'] as { name: string }).name).endsWith(';2'), 'the agent ;2 destroyed');
    await answers.expectLike(ari.call('DELETE', `/bridges/${bridge.id}`), 'DELETE', '/ari/bridges/ID');
    await stream.waitFor((e) => e.type === 'BridgeDestroyed', 'BridgeDestroyed');

    await until(async () => ((await ari.call('GET', '/channels')).body as unknown[]).length === 0, 'every channel gone');
    await answers.expectLike(ari.call('GET', '/channels'), 'GET', '/ari/channels');
    await answers.expectLike(ari.call('GET', '/bridges'), 'GET', '/ari/bridges');
    await new Promise((r) => setTimeout(r, 100));
    expectSameEvents(stream.events, expected, { app: APP });
    await expect(originate.settled).resolves.toEqual({ answered: true, reason: 4 });
  });

  it('run 5: SIP phone 1001 calls 12345, agent PJSIP/1002 originated and bridged (pjsip-ari-events.jsonl)', async () => {
    const expected = recordedEvents('pjsip-ari-events.jsonl');
    const answers = new RecordedAnswers(recordedRequests('pjsip-ari-requests.txt'));
    const sim = opened(await startPbxSim({ configDir: LAB_CONF }));
    const ari = new AriRest(sim.httpUrl);
    const stream = opened(await EventStream.open(sim.httpUrl, APP));

    const endpoints = await answers.expectLike(ari.call('GET', '/endpoints/PJSIP'), 'GET', '/ari/endpoints/PJSIP');
    expect(endpoints).toEqual([
      { technology: 'PJSIP', resource: '1001', state: 'online', channel_ids: [] },
      { technology: 'PJSIP', resource: '1002', state: 'online', channel_ids: [] },
    ]);

    // baresip registered as 1001 dials 12345 (context agents includes from-pstn).
    const call = await fetch(`${sim.httpUrl}/sim/calls`, {
      method: 'POST',
      body: JSON.stringify({ from: '1001', to: '12345', endpoint: 'PJSIP/1001' }),
    });
    expect(call.status).toBe(201);
    const start = await stream.waitFor((e) => e.type === 'StasisStart', 'the caller StasisStart');
    const caller = (start['channel'] as { id: string }).id;
    await answers.expectLike(ari.call('POST', `/channels/${caller}/answer`), 'POST', '/ari/channels/ID/answer');
    await fetch(`${sim.httpUrl}/sim/channels/${caller}/dtmf`, { method: 'POST', body: JSON.stringify({ digits: '1' }) });
    await stream.waitFor((e) => e.type === 'ChannelDtmfReceived', 'the DTMF 1 (RFC 4733 from the phone)');

    const { bridge, agent } = await bridgeWithAgent(ari, stream, answers, caller, 'PJSIP/1002');
    const addr = await answers.expectLike(
      ari.call('GET', `/channels/${caller}/variable`, { variable: 'CHANNEL(pjsip,remote_addr)' }),
      'GET',
      '/ari/channels/ID/variable',
    );
    expect(addr).toMatchObject({ value: expect.stringMatching(/^127\.0\.0\.1:\d+$/) as unknown });
    const got = (await answers.expectLike(ari.call('GET', `/bridges/${bridge.id}`), 'GET', '/ari/bridges/ID')) as { technology: string };
    expect(got.technology).toBe('native_rtp');

    const beforeHangup = expected.findIndex((e) => e.type === 'ChannelHangupRequest');
    await stream.waitForCount(beforeHangup);
    await answers.expectLike(ari.call('DELETE', `/channels/${caller}`), 'DELETE', '/ari/channels/ID');
    await stream.waitFor((e) => e.type === 'StasisEnd', 'the caller StasisEnd');
    await answers.expectLike(ari.call('DELETE', `/channels/${agent}`), 'DELETE', '/ari/channels/ID');
    await stream.waitFor((e) => e.type === 'ChannelDestroyed', 'the agent destroyed');
    await answers.expectLike(ari.call('DELETE', `/bridges/${bridge.id}`), 'DELETE', '/ari/bridges/ID');
    await stream.waitFor((e) => e.type === 'BridgeDestroyed', 'BridgeDestroyed');
    await new Promise((r) => setTimeout(r, 100));
    expectSameEvents(stream.events, expected, { app: APP });
  });
});
