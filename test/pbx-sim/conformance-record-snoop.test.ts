/**
 * Conformance with runs6-11-b/run9-record-snoop (ari-run9-*, ami-run9-record-snoop.txt, project
 * configuration): a bridge recording (live get, stop, stored list/get/delete, the error answers), a
 * recording running when its bridge is deleted, listen/whisper snoops on the agent bridged with a
 * supervisor, barge, the snoop error answers, and deleting a bridge that still holds 3 channels.
 *
 * The recorder's BRIDGEPEER/BRIDGEPVTCALLID variables churn with the `Recorder/ARI-…;2` channel a
 * bridge recording puts in the bridge (Asterisk re-sets them on every bridge change, several times
 * over); the simulator keeps no recorder channel in the bridge, so ChannelVarset events are compared
 * apart: every other event in order, with the same essentials and shape.
 */
import { describe, expect, it } from 'vitest';
import type { AriMessage } from './support/ari-harness.js';
import { APP, expectSameAnswer, expectSameEvents, quiet, recordedEvents, recordedRequests, takeRecorded } from './support/conformance.js';
import { useConformanceRun } from './support/conformance-run.js';

const run = useConformanceRun();

const idOf = (e: AriMessage): string => (e['channel'] as { id: string }).id;

describe('bridge recording and snoop (runs6-11-b/run9-record-snoop)', () => {
  it('records a bridge, lists/gets/deletes the file, listens, whispers, barges, and deletes the bridge', async () => {
    const requests = recordedRequests('runs6-11-b/ari-run9-requests.txt');
    const expected = recordedEvents('runs6-11-b/ari-run9-events.jsonl');
    const { ari, events, ami } = await run.start({ sim: { timeScale: 0.02, playbackMsPerSecond: 20 }, offline: ['1002'], ami: 'tap' });
    const take = (method: string, path: string) => takeRecorded(requests, method, path);

    // The agent and the caller, originated into the app and bridged.
    expectSameAnswer(await ari.call('POST', '/channels', { endpoint: 'PJSIP/1001', app: APP, appArgs: 'agent' }), take('POST', 'appArgs=agent'));
    const agent = idOf(await events.waitFor((e) => e.type === 'StasisStart' && (e['args'] as string[])[0] === 'agent', 'agent StasisStart'));
    expectSameAnswer(await ari.call('POST', '/channels', { endpoint: 'PJSIP/1004', app: APP, appArgs: 'caller' }), take('POST', 'appArgs=caller'));
    const caller = idOf(await events.waitFor((e) => e.type === 'StasisStart' && (e['args'] as string[])[0] === 'caller', 'caller StasisStart'));
    const bridge = (await ari.call('POST', '/bridges', { type: 'mixing', name: 'rec6-mix9' })).body as { id: string };
    take('POST', '/ari/bridges?type=mixing&name=rec6-mix9');
    expectSameAnswer(await ari.call('POST', `/bridges/${bridge.id}/addChannel`, { channel: `${agent},${caller}` }), take('POST', 'addChannel'));

    // 9a: record the bridge, get it live, stop it; 404 afterwards.
    const rec = await ari.call('POST', `/bridges/${bridge.id}/record`, {
      name: 'rec6-run9-bridge',
      format: 'wav',
      maxDurationSeconds: '60',
      ifExists: 'overwrite',
      beep: 'false',
      terminateOn: 'none',
    });
    expectSameAnswer(rec, take('POST', 'record?name=rec6-run9-bridge&format=wav&maxDurationSeconds'));
    expect(rec.body).toEqual({ name: 'rec6-run9-bridge', format: 'wav', state: 'queued', target_uri: `bridge:${bridge.id}` });
    await events.waitFor((e) => e.type === 'RecordingStarted', 'RecordingStarted');
    const live = await ari.call('GET', '/recordings/live/rec6-run9-bridge');
    expectSameAnswer(live, take('GET', '/ari/recordings/live/rec6-run9-bridge'));
    expect(live.body).toMatchObject({ state: 'recording' });
    expectSameAnswer(await ari.call('POST', '/recordings/live/rec6-run9-bridge/stop'), take('POST', 'recordings/live/rec6-run9-bridge/stop'));
    const finished = await events.waitFor((e) => e.type === 'RecordingFinished', 'RecordingFinished');
    expect(finished['recording']).toMatchObject({ state: 'done', duration: expect.any(Number) as unknown });
    expectSameAnswer(await ari.call('GET', '/recordings/live/rec6-run9-bridge'), take('GET', '/ari/recordings/live/rec6-run9-bridge'), true);

    // 9b: stored recordings; the same name again with ifExists=fail, an unknown format; delete.
    const stored = await ari.call('GET', '/recordings/stored');
    expectSameAnswer(stored, take('GET', '/ari/recordings/stored'));
    expect(stored.body).toContainEqual({ name: 'rec6-run9-bridge', format: 'wav' });
    expectSameAnswer(await ari.call('GET', '/recordings/stored/rec6-run9-bridge'), take('GET', '/ari/recordings/stored/rec6-run9-bridge'), true);
    expectSameAnswer(
      await ari.call('POST', `/bridges/${bridge.id}/record`, { name: 'rec6-run9-bridge', format: 'wav', ifExists: 'fail' }),
      take('POST', 'ifExists=fail'),
      true,
    );
    expectSameAnswer(
      await ari.call('POST', `/bridges/${bridge.id}/record`, { name: 'rec6-run9-bridge', format: 'nosuchformat' }),
      take('POST', 'format=nosuchformat'),
      true,
    );
    expectSameAnswer(await ari.call('DELETE', '/recordings/stored/rec6-run9-bridge'), take('DELETE', '/ari/recordings/stored/rec6-run9-bridge'));
    expectSameAnswer(await ari.call('GET', '/recordings/stored/rec6-run9-bridge'), take('GET', '/ari/recordings/stored/rec6-run9-bridge'), true);
    expectSameAnswer(await ari.call('DELETE', '/recordings/stored/rec6-run9-bridge'), take('DELETE', '/ari/recordings/stored/rec6-run9-bridge'), true);

    // 9c: a second recording, left running.
    expectSameAnswer(
      await ari.call('POST', `/bridges/${bridge.id}/record`, { name: 'rec6-run9-bridge2', format: 'wav', ifExists: 'overwrite' }),
      take('POST', 'record?name=rec6-run9-bridge2'),
    );
    await events.waitFor((e) => e.type === 'RecordingStarted' && (e['recording'] as { name: string }).name === 'rec6-run9-bridge2', 'second RecordingStarted');

    // 9d: listen: the supervisor in a bridge with a snoop (spy both) on the agent.
    expectSameAnswer(await ari.call('POST', '/channels', { endpoint: 'PJSIP/1003', app: APP, appArgs: 'supervisor' }), take('POST', 'appArgs=supervisor'));
    const supervisor = idOf(await events.waitFor((e) => e.type === 'StasisStart' && (e['args'] as string[])[0] === 'supervisor', 'supervisor StasisStart'));
    const listen = await ari.call('POST', `/channels/${agent}/snoop`, { spy: 'both', whisper: 'none', app: APP, appArgs: 'listen' });
    expectSameAnswer(listen, take('POST', 'appArgs=listen'));
    const listenSnoop = listen.body as { id: string; name: string; state: string; language: string; dialplan: { context: string } };
    expect(listenSnoop).toMatchObject({ name: expect.stringMatching(new RegExp(`^Snoop/${agent}-[0-9a-f]{8}$`)) as unknown, state: 'Up', language: 'en' });
    expect(listenSnoop.dialplan).toEqual({ context: 'default', exten: 's', priority: 1, app_name: '', app_data: '' });
    await events.waitFor((e) => e.type === 'StasisStart' && (e['args'] as string[])[0] === 'listen', 'snoop StasisStart');
    const listenBridge = (await ari.call('POST', '/bridges', { type: 'mixing', name: 'rec6-listen' })).body as { id: string };
    take('POST', '/ari/bridges?type=mixing&name=rec6-listen');
    expectSameAnswer(
      await ari.call('POST', `/bridges/${listenBridge.id}/addChannel`, { channel: `${listenSnoop.id},${supervisor}` }),
      take('POST', 'addChannel'),
    );
    await events.waitFor((e) => e.type === 'ChannelEnteredBridge' && idOf(e) === supervisor, 'supervisor in the listen bridge');
    const snoopView = await ari.call('GET', `/channels/${listenSnoop.id}`);
    expectSameAnswer(snoopView, take('GET', '/ari/channels/'));
    expect(snoopView.body).toMatchObject({ dialplan: { app_name: 'Stasis', app_data: 'rec6,listen' } });

    // 9e: whisper: the listen snoop replaced by one with whisper=out.
    expectSameAnswer(await ari.call('DELETE', `/channels/${listenSnoop.id}`), take('DELETE', '/ari/channels/'));
    await events.waitFor((e) => e.type === 'StasisEnd' && idOf(e) === listenSnoop.id, 'listen snoop StasisEnd');
    const whisper = await ari.call('POST', `/channels/${agent}/snoop`, { spy: 'both', whisper: 'out', app: APP, appArgs: 'whisper' });
    expectSameAnswer(whisper, take('POST', 'appArgs=whisper'));
    const whisperSnoop = whisper.body as { id: string };
    await events.waitFor((e) => e.type === 'StasisStart' && (e['args'] as string[])[0] === 'whisper', 'whisper StasisStart');
    expectSameAnswer(await ari.call('POST', `/bridges/${listenBridge.id}/addChannel`, { channel: whisperSnoop.id }), take('POST', 'addChannel'));
    await events.waitFor((e) => e.type === 'ChannelEnteredBridge' && idOf(e) === whisperSnoop.id, 'whisper snoop in the bridge');

    // 9f: barge: the supervisor leaves the listen bridge (deleted when empty) for the call bridge.
    expectSameAnswer(await ari.call('DELETE', `/channels/${whisperSnoop.id}`), take('DELETE', '/ari/channels/'));
    await events.waitFor((e) => e.type === 'StasisEnd' && idOf(e) === whisperSnoop.id, 'whisper snoop StasisEnd');
    expectSameAnswer(await ari.call('POST', `/bridges/${listenBridge.id}/removeChannel`, { channel: supervisor }), take('POST', 'removeChannel'));
    expectSameAnswer(await ari.call('DELETE', `/bridges/${listenBridge.id}`), take('DELETE', '/ari/bridges/'));
    await events.waitFor((e) => e.type === 'BridgeDestroyed', 'listen bridge destroyed');
    expectSameAnswer(await ari.call('POST', `/bridges/${bridge.id}/addChannel`, { channel: supervisor }), take('POST', 'addChannel'));
    await events.waitFor((e) => e.type === 'ChannelEnteredBridge' && idOf(e) === supervisor && (e['bridge'] as { id: string }).id === bridge.id, 'barge');
    const three = await ari.call('GET', `/bridges/${bridge.id}`);
    expectSameAnswer(three, take('GET', '/ari/bridges/'));
    expect(three.body).toMatchObject({ technology: 'softmix', channels: [agent, caller, supervisor] });

    // 9g: snoop errors.
    expectSameAnswer(await ari.call('POST', `/channels/${agent}/snoop`, { spy: 'both', whisper: 'none' }), take('POST', 'snoop?spy=both&whisper=none'), true);
    expectSameAnswer(await ari.call('POST', `/channels/${agent}/snoop`, { spy: 'bogus', app: APP }), take('POST', 'spy=bogus'), true);
    expectSameAnswer(await ari.call('POST', '/channels/no-such-channel/snoop', { spy: 'both', app: APP }), take('POST', 'no-such-channel'), true);

    // 9h: the bridge deleted while recording with 3 channels, then the channels hung up.
    expectSameAnswer(await ari.call('DELETE', `/bridges/${bridge.id}`), take('DELETE', '/ari/bridges/'));
    await events.waitFor((e) => e.type === 'RecordingFinished' && (e['recording'] as { name: string }).name === 'rec6-run9-bridge2', 'second RecordingFinished');
    for (const id of [agent, caller, supervisor]) {
      expectSameAnswer(await ari.call('DELETE', `/channels/${id}`), take('DELETE', '/ari/channels/'));
      await events.waitFor((e) => e.type === 'StasisEnd' && idOf(e) === id, 'StasisEnd');
    }
    await quiet(() => events.events.length + ami.frames().length);
    expectSameAnswer(await ari.call('GET', '/recordings/stored/rec6-run9-bridge2'), take('GET', '/ari/recordings/stored/rec6-run9-bridge2'), true);
    expectSameAnswer(await ari.call('DELETE', '/recordings/stored/rec6-run9-bridge2'), take('DELETE', '/ari/recordings/stored/rec6-run9-bridge2'));
    expectSameAnswer(await ari.call('GET', '/channels'), take('GET', '/ari/channels'), true);
    expectSameAnswer(await ari.call('GET', '/bridges'), take('GET', '/ari/bridges'), true);

    // Events: everything but the variables in order. The originates' first Dial/ChannelStateChange
    // varied by a few µs in the recording, and the last three hangups interleaved (three threads).
    const notVar = (list: AriMessage[]): AriMessage[] => list.filter((e) => e.type !== 'ChannelVarset' || e['variable'] === 'STASISSTATUS');
    const head = (list: AriMessage[]): AriMessage[] => notVar(list).slice(0, notVar(list).findIndex((e) => e.type === 'ChannelHangupRequest' && String((e['channel'] as { name: string }).name).startsWith('PJSIP/')));
    const ringing = (list: AriMessage[]): AriMessage[] => list.filter((e) => !(e.type === 'ChannelStateChange' || (e.type === 'Dial' && ['', 'RINGING'].includes(String(e['dialstatus'])))));
    expectSameEvents(ringing(head(events.events)), ringing(head(expected)));
    const tail = (list: AriMessage[]): string[] => notVar(list).slice(head(list).length).map((e) => `${e.type}|${(e['channel'] as { name?: string } | undefined)?.name?.replace(/-[0-9a-f]{8}$/, '') ?? ''}|${e['cause'] === undefined ? '' : String(e['cause'] as number)}`).sort();
    expect(tail(events.events)).toEqual(tail(expected));
    // No ChannelDestroyed for the snoops, no BridgeDestroyed for the bridge deleted with 3 channels.
    expect(events.events.filter((e) => e.type === 'ChannelDestroyed' && String((e['channel'] as { name: string }).name).startsWith('Snoop/'))).toEqual([]);
    expect(events.events.filter((e) => e.type === 'BridgeDestroyed')).toHaveLength(1);

    // Not compared: AMI `DeviceStateChange Recorder/ARI` (INUSE/UNKNOWN as each recorder channel
    // goes) and the snoops' ChanSpyStart/ChanSpyStop, which the simulator does not raise.
  });
});
