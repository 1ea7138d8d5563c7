/**
 * Playback conformance: the recorded playback runs of 2026-12-04, replayed against the simulator on
 * the project configuration with the recorder's ARI app `rec6`. The ARI event sequences are compared
 * by type, essentials (including each playback's media, next media, state and target kind) and key
 * structure, REST answers by status and key structure (and body for errors), and the AMI frames about
 * the run's own channels (the files also hold a load test's calls and another recorder's).
 *  - runs6-11-b/run6-playback: finished, stopped, paused/unpaused, DTMF during playback, a missing
 *    file, an unknown scheme, repeated `media=`, 404s, the phone hanging up (BYE, no cause) during playback;
 *  - run7 (top level): finished, stopped, missing file, hang-up by the app during playback.
 */
import { describe, expect, it } from 'vitest';
import { amiFramesAbout, expectSameFrames, recordedAmi } from './support/ami-conformance.js';
import type { AriMessage, AriRest } from './support/ari-harness.js';
import { APP, expectSameEvents, RecordedAnswers, recordedEvents, recordedRequests, recorderDialplan } from './support/conformance.js';
import { useConformanceRun } from './support/conformance-run.js';
import { control } from './support/sim-control.js';

const run = useConformanceRun();

const playbackOf = (e: AriMessage): { id: string; state: string; media_uri: string } =>
  e['playback'] as { id: string; state: string; media_uri: string };
const isPlayback = (type: string, id: string, state?: string) => (e: AriMessage) =>
  e.type === type && playbackOf(e).id === id && (state === undefined || playbackOf(e).state === state);

async function settle(ms = 150): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** `POST /channels/{channel}/play`, answered as recorded: the new playback. */
async function play(ari: AriRest, answers: RecordedAnswers, channel: string, query: Record<string, string>): Promise<{ id: string; language?: string }> {
  return (await answers.expectLike(ari.call('POST', `/channels/${channel}/play`, query), 'POST', '/ari/channels/ID/play')) as { id: string; language?: string };
}

describe('playback conformance with the recordings of 2026-12-04', () => {
  it('runs6-11-b/run6-playback: finish, stop, pause/unpause, DTMF, missing file, unknown scheme, media lists, BYE during playback', async () => {
    const expected = recordedEvents('runs6-11-b/ari-run6-events.jsonl');
    const answers = new RecordedAnswers(recordedRequests('runs6-11-b/ari-run6-requests.txt'));
    const { sim, ami, ari, events: s } = await run.start({ sim: { core: { dialplan: recorderDialplan() } }, ami: 'session' });

    await answers.expectLike(ari.call('GET', `/applications/${APP}`), 'GET', '/ari/applications/rec6');
    const created = (await answers.expectLike(
      ari.call('POST', '/channels', { endpoint: 'PJSIP/1004', app: APP, appArgs: 'run6', callerId: '"Rec6" <12345>', timeout: '30' }),
      'POST',
      '/ari/channels',
    )) as { id: string };
    const id = created.id;
    await s.waitFor((e) => e.type === 'StasisStart', 'StasisStart');
    await answers.expectLike(ari.call('POST', `/channels/${id}/answer`), 'POST', '/ari/channels/ID/answer');

    // The greeting plays to its end; GET while it plays says `playing`.
    const first = await play(ari, answers, id, { media: 'sound:greeting-12345', lang: 'zh' });
    await s.waitFor(isPlayback('PlaybackStarted', first.id), 'PlaybackStarted');
    const playing = await answers.expectLike(ari.call('GET', `/playbacks/${first.id}`), 'GET', '/ari/playbacks/ID');
    expect(playing).toMatchObject({ state: 'playing' });
    await s.waitFor(isPlayback('PlaybackFinished', first.id, 'done'), 'PlaybackFinished done');

    // play/{playbackId}, pause, unpause (a second PlaybackStarted), stop (done), then 404s.
    await answers.expectLike(ari.call('POST', `/channels/${id}/play/rec6-pb-2`, { media: 'sound:greeting-12345' }), 'POST', '/ari/channels/ID/play/rec6-pb-2');
    await s.waitFor(isPlayback('PlaybackStarted', 'rec6-pb-2'), 'PlaybackStarted rec6-pb-2');
    await answers.expectLike(ari.call('POST', '/playbacks/rec6-pb-2/control', { operation: 'pause' }), 'POST', '/ari/playbacks/rec6-pb-2/control');
    await answers.expectLike(ari.call('POST', '/playbacks/rec6-pb-2/control', { operation: 'unpause' }), 'POST', '/ari/playbacks/rec6-pb-2/control');
    await answers.expectLike(ari.call('DELETE', '/playbacks/rec6-pb-2'), 'DELETE', '/ari/playbacks/rec6-pb-2');
    await s.waitFor(isPlayback('PlaybackFinished', 'rec6-pb-2', 'done'), 'PlaybackFinished rec6-pb-2');
    await answers.expectLike(ari.call('GET', '/playbacks/rec6-pb-2'), 'GET', '/ari/playbacks/rec6-pb-2');
    await answers.expectLike(ari.call('DELETE', '/playbacks/rec6-pb-2'), 'DELETE', '/ari/playbacks/rec6-pb-2');

    // DTMF 5 from the phone during the greeting: received, and the greeting plays on to the end.
    const third = await play(ari, answers, id, { media: 'sound:greeting-12345', lang: 'zh' });
    await s.waitFor(isPlayback('PlaybackStarted', third.id), 'PlaybackStarted');
    await control(sim, 'POST', `/channels/${id}/dtmf`, { digits: '5' });
    await s.waitFor((e) => e.type === 'ChannelDtmfReceived', 'ChannelDtmfReceived');
    await answers.expectLike(ari.call('GET', `/channels/${id}`), 'GET', '/ari/channels/ID');
    await s.waitFor(isPlayback('PlaybackFinished', third.id, 'done'), 'PlaybackFinished done after the DTMF');
    await answers.expectLike(ari.call('POST', `/channels/${id}/dtmf`, { dtmf: '12', between: '100', duration: '100' }), 'POST', '/ari/channels/ID/dtmf');

    // A missing file: 201, PlaybackStarted, PlaybackFinished failed.
    const missing = await play(ari, answers, id, { media: 'sound:no-such-prompt' });
    await s.waitFor(isPlayback('PlaybackFinished', missing.id, 'failed'), 'PlaybackFinished failed');
    // An unknown scheme: 201, PlaybackStarted, never finished; the next play starts at once.
    const unknown = await play(ari, answers, id, { media: 'nosuchscheme:foo' });
    await s.waitFor(isPlayback('PlaybackStarted', unknown.id), 'PlaybackStarted of the unknown scheme');
    // Repeated media= parameters: one playback of one item.
    const repeated = (await answers.expectLike(
      ari.call('POST', `/channels/${id}/play?media=sound:beep&media=sound:no-such-prompt&media=sound:beep`),
      'POST',
      '/ari/channels/ID/play',
    )) as { id: string; next_media_uri?: string };
    expect(repeated.next_media_uri).toBeUndefined();
    await s.waitFor(isPlayback('PlaybackFinished', repeated.id, 'done'), 'PlaybackFinished of the beep');
    await answers.expectLike(ari.call('POST', '/channels/no-such-channel/play', { media: 'sound:beep' }), 'POST', '/ari/channels/no-such-channel/play');

    // The phone hangs up (BYE without a Reason) during a playback: it finishes failed, cause 0.
    const last = await play(ari, answers, id, { media: 'sound:greeting-12345', lang: 'zh' });
    await s.waitFor(isPlayback('PlaybackStarted', last.id), 'PlaybackStarted');
    expect((await control(sim, 'POST', `/channels/${id}/hangup`, { cause: 0 })).status).toBe(204);
    await s.waitFor((e) => e.type === 'ChannelDestroyed', 'ChannelDestroyed');
    await answers.expectLike(ari.call('GET', `/playbacks/${last.id}`), 'GET', '/ari/playbacks/ID');
    await play(ari, answers, id, { media: 'sound:beep' });
    await answers.expectLike(ari.call('GET', '/channels'), 'GET', '/ari/channels');
    await answers.expectLike(ari.call('GET', '/bridges'), 'GET', '/ari/bridges');
    expect(answers.left).toEqual([]);
    await settle();
    expectSameEvents(s.events, expected, { originateRaces: true });

    const phone = (name: string): boolean => /^PJSIP\/1004(-|$)/.test(name);
    expectSameFrames(amiFramesAbout(ami.frames(), phone), amiFramesAbout(recordedAmi('runs6-11-b/ami-run6-playback.txt'), phone));
  });

  it('run7: beep to the end, a stopped playback (done), a missing file (failed), hang-up by the app during playback (failed)', async () => {
    const expected = recordedEvents('ari-run7-events.jsonl');
    const answers = new RecordedAnswers(recordedRequests('ari-run7-requests.txt'));
    const { ami, ari, events: s } = await run.start({ sim: { core: { dialplan: recorderDialplan() } }, ami: 'session' });

    const created = (await answers.expectLike(ari.call('POST', '/channels', { endpoint: 'PJSIP/1001', app: APP, appArgs: 'x' }), 'POST', '/ari/channels')) as {
      id: string;
    };
    const id = created.id;
    await s.waitFor((e) => e.type === 'StasisStart', 'StasisStart');
    await answers.expectLike(ari.call('POST', `/channels/${id}/variable`, { variable: 'CHANNEL(language)', value: 'en' }), 'POST', '/ari/channels/ID/variable');
    const beep = await play(ari, answers, id, { media: 'sound:beep' });
    expect(beep.language).toBe('en');
    await s.waitFor(isPlayback('PlaybackFinished', beep.id, 'done'), 'beep done');

    const congrats = await play(ari, answers, id, { media: 'sound:demo-congrats' });
    await s.waitFor(isPlayback('PlaybackStarted', congrats.id), 'PlaybackStarted');
    await answers.expectLike(ari.call('GET', `/playbacks/${congrats.id}`), 'GET', '/ari/playbacks/ID');
    await answers.expectLike(ari.call('DELETE', `/playbacks/${congrats.id}`), 'DELETE', '/ari/playbacks/ID');
    await s.waitFor(isPlayback('PlaybackFinished', congrats.id, 'done'), 'stopped: done');
    await answers.expectLike(ari.call('GET', `/playbacks/${congrats.id}`), 'GET', '/ari/playbacks/ID');

    const missing = await play(ari, answers, id, { media: 'sound:no-such-file' });
    await s.waitFor(isPlayback('PlaybackFinished', missing.id, 'failed'), 'missing: failed');

    const again = await play(ari, answers, id, { media: 'sound:demo-congrats' });
    await s.waitFor(isPlayback('PlaybackStarted', again.id), 'PlaybackStarted');
    await answers.expectLike(ari.call('DELETE', `/channels/${id}`), 'DELETE', '/ari/channels/ID');
    await s.waitFor((e) => e.type === 'ChannelDestroyed', 'ChannelDestroyed');
    await answers.expectLike(ari.call('GET', `/playbacks/${again.id}`), 'GET', '/ari/playbacks/ID');
    expect(answers.left).toEqual([]);
    await settle();
    expectSameEvents(s.events, expected, { originateRaces: true });

    const phone = (name: string): boolean => /^PJSIP\/1001(-|$)/.test(name);
    expectSameFrames(amiFramesAbout(ami.frames(), phone), amiFramesAbout(recordedAmi('ami-run7.txt'), phone));
  });
});
