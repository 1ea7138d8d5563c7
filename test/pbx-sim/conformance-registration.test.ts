/**
 * Conformance with the recorded phone registrations:
 *  - runs6-11-b/run11-registration (ari-run11-*, ami-run11-registration.txt): an app subscribed to
 *    `endpoint:PJSIP/1004`; the phone unregisters, registers, dies without unregistering (noticed at
 *    the next qualify, qualify_frequency 30 s) and registers again;
 *  - run9 at the top of recordings/ (ari-run9-*, ami-run9.txt): the same for PJSIP/1002.
 * Both ran on the project configuration, the simulator's default. The qualify runs on a scaled clock.
 */
import { describe, expect, it } from 'vitest';
import type { AmiField } from './ami/frame.js';
import type { RawAmiClient } from './ami/testing/raw-client.js';
import { amiAbout, amiEssentials, expectSameAmi, recordedAmi } from './support/ami-conformance.js';
import { shape } from './support/ari-harness.js';
import { APP, expectSameAnswer, expectSameEvents, quiet, recordedEvents, recordedRequests, takeRecorded } from './support/conformance.js';
import { useConformanceRun } from './support/conformance-run.js';
import type { Run } from './support/conformance-run.js';
import { control } from './support/sim-control.js';

const run = useConformanceRun();
const start = (offline: string[]): Promise<Run> => run.start({ sim: { timeScale: 0.01 }, offline, ami: 'tap' });

const contactStatus = (status: string) => (e: { type: string; [k: string]: unknown }) =>
  e.type === 'ContactStatusChange' && (e['contact_info'] as { contact_status: string }).contact_status === status;

async function amiFrame(tap: RawAmiClient, pred: (f: readonly AmiField[]) => boolean, what: string): Promise<void> {
  await tap.waitFor((frames) => frames.some(pred), what);
}
const has = (f: readonly AmiField[], key: string, value: string): boolean => f.some(([k, v]) => k === key && v === value);

describe('registration (runs6-11-b/run11-registration)', () => {
  it('subscribe to the endpoint; unregister, register, vanish until the qualify, register again', async () => {
    const requests = recordedRequests('runs6-11-b/ari-run11-requests.txt');
    const expected = recordedEvents('runs6-11-b/ari-run11-events.jsonl');
    const file = 'runs6-11-b/ami-run11-registration.txt';
    const concerns = (n: string): boolean => n === 'PJSIP/1004';
    const { sim, ari, events, ami: tap } = await start(['1002', '1005', '1006']);

    const sub = await ari.call('POST', `/applications/${APP}/subscription`, { eventSource: 'endpoint:PJSIP/1004' });
    expectSameAnswer(sub, takeRecorded(requests, 'POST', 'eventSource=endpoint:PJSIP/1004'), true);
    const get1004 = async (): Promise<void> => {
      expectSameAnswer(await ari.call('GET', '/endpoints/PJSIP/1004'), takeRecorded(requests, 'GET', '/ari/endpoints/PJSIP/1004'), true);
    };
    await get1004();

    // 11a: baresip stopped with SIGTERM: it unregisters.
    const a = tap.frames().length;
    await control(sim, 'PUT', '/endpoints/PJSIP/1004', { online: false });
    await events.waitFor(contactStatus('Removed'), 'ContactStatusChange Removed');
    await amiFrame(tap, (f) => has(f, 'Device', 'PJSIP/1004') && has(f, 'State', 'UNAVAILABLE'), 'UNAVAILABLE');
    await get1004();
    expectSameAmi(amiAbout(tap.frames().slice(a), concerns), amiAbout(recordedAmi(file, '11a', '11b'), concerns));

    // 11b: started again: it registers.
    const b = tap.frames().length;
    await control(sim, 'PUT', '/endpoints/PJSIP/1004', { online: true });
    await events.waitFor(contactStatus('Reachable'), 'ContactStatusChange Reachable');
    await amiFrame(tap, (f) => has(f, 'Device', 'PJSIP/1004') && has(f, 'State', 'NOT_INUSE'), 'NOT_INUSE');
    await get1004();
    expectSameAnswer(await ari.call('GET', '/endpoints'), takeRecorded(requests, 'GET', '/ari/endpoints'), true);
    expectSameAmi(amiAbout(tap.frames().slice(b), concerns), amiAbout(recordedAmi(file, '11b', '11c'), concerns));
    expectSameEvents(events.events, expected);

    // 11c: kill -9: no unregister, nothing happens until a qualify times out.
    const c = tap.frames().length;
    const beforeKill = events.events.length;
    expect((await control(sim, 'PUT', '/endpoints/PJSIP/1004', { online: false, unregister: false })).status).toBe(200);
    expect((await ari.call('GET', '/endpoints/PJSIP/1004')).body).toMatchObject({ state: 'online' });
    expect(amiAbout(tap.frames().slice(c), concerns)).toEqual([]);
    await amiFrame(tap, (f) => has(f, 'Event', 'ContactStatus') && has(f, 'ContactStatus', 'Unreachable'), 'ContactStatus Unreachable');
    await amiFrame(tap, (f) => has(f, 'Device', 'PJSIP/1004') && has(f, 'State', 'UNAVAILABLE'), 'UNAVAILABLE');
    await get1004();
    expectSameAmi(amiAbout(tap.frames().slice(c), concerns), amiAbout(recordedAmi(file, '11c', '11d'), concerns));
    // ARI (the recorder's app had been taken over by then): the same as an unregister, Unreachable.
    expect(events.events.slice(beforeKill).map((e) => e.type)).toEqual(['EndpointStateChange', 'PeerStatusChange', 'ContactStatusChange']);

    // 11d: started again with a new contact; the old one is qualified and replaced.
    const d = tap.frames().length;
    await control(sim, 'PUT', '/endpoints/PJSIP/1004', { online: true });
    await amiFrame(tap, (f) => has(f, 'ContactStatus', 'Removed'), 'old contact Removed');
    await amiFrame(tap, (f) => has(f, 'Device', 'PJSIP/1004') && has(f, 'State', 'NOT_INUSE'), 'NOT_INUSE');
    await get1004();
    const recorded11d = amiAbout(recordedAmi(file, '11d'), concerns);
    const got11d = amiAbout(tap.frames().slice(d), concerns);
    // The device state came right after the peer status there; the simulator reports it at the end
    // of the burst (core/device-states.ts). Everything else is in the recorded order.
    const noDevice = (frames: AmiField[][]): AmiField[][] => frames.filter((f) => !has(f, 'Event', 'DeviceStateChange'));
    expectSameAmi(noDevice(got11d), noDevice(recorded11d));
    expect(got11d.map(amiEssentials).sort()).toEqual(recorded11d.map(amiEssentials).sort());

    const unsub = await ari.call('DELETE', `/applications/${APP}/subscription`, { eventSource: 'endpoint:PJSIP/1004' });
    const recordedUnsub = takeRecorded(requests, 'DELETE', 'eventSource=endpoint:PJSIP/1004');
    expect(unsub.status).toBe(recordedUnsub.status);
    // The recorded answer also listed the other recorder's ringing channel.
    expect(unsub.body).toEqual({ ...(recordedUnsub.body as object), channel_ids: [] });
    expectSameAnswer(
      await ari.call('POST', `/applications/${APP}/subscription`, { eventSource: 'endpoint:PJSIP/1099' }),
      takeRecorded(requests, 'POST', 'eventSource=endpoint:PJSIP/1099'),
      true,
    );
  });
});

describe('registration (run9: ari-run9-*, ami-run9.txt)', () => {
  it('unregister and register PJSIP/1002 with the app subscribed', async () => {
    const requests = recordedRequests('ari-run9-requests.txt');
    const expected = recordedEvents('ari-run9-events.jsonl');
    const concerns = (n: string): boolean => n === 'PJSIP/1002';
    const recorded = amiAbout(recordedAmi('ami-run9.txt'), concerns);
    const { sim, ari, events, ami: tap } = await start(['1005', '1006']);

    expectSameAnswer(
      await ari.call('POST', `/applications/${APP}/subscription`, { eventSource: 'endpoint:PJSIP/1002' }),
      takeRecorded(requests, 'POST', 'eventSource=endpoint:PJSIP/1002'),
      true,
    );
    const get1002 = async (): Promise<void> => {
      expectSameAnswer(await ari.call('GET', '/endpoints/PJSIP/1002'), takeRecorded(requests, 'GET', '/ari/endpoints/PJSIP/1002'), true);
    };
    await get1002();
    await control(sim, 'PUT', '/endpoints/PJSIP/1002', { online: false });
    await events.waitFor(contactStatus('Removed'), 'ContactStatusChange Removed');
    await get1002();
    await control(sim, 'PUT', '/endpoints/PJSIP/1002', { online: true });
    await events.waitFor(contactStatus('Reachable'), 'ContactStatusChange Reachable');
    await get1002();
    expectSameAnswer(
      await ari.call('DELETE', `/applications/${APP}/subscription`, { eventSource: 'endpoint:PJSIP/1002' }),
      takeRecorded(requests, 'DELETE', 'eventSource=endpoint:PJSIP/1002'),
      true,
    );
    await quiet(() => events.events.length + tap.frames().length);
    expectSameEvents(events.events, expected);

    // Run 9 recorded the unregister's DeviceStateChange before the ContactStatus Removed, run 11
    // after it (another thread computes it): the simulator keeps run 11's order, so here the device
    // states are compared apart from where they fall.
    const got = amiAbout(tap.frames(), concerns);
    const noDevice = (frames: AmiField[][]): AmiField[][] => frames.filter((f) => !has(f, 'Event', 'DeviceStateChange'));
    expectSameAmi(noDevice(got), noDevice(recorded));
    expect(got.filter((f) => has(f, 'Event', 'DeviceStateChange')).map(amiEssentials)).toEqual(
      recorded.filter((f) => has(f, 'Event', 'DeviceStateChange')).map(amiEssentials),
    );
    expect(shape(got.map((f) => f.length))).toBe(shape(recorded.map((f) => f.length)));
  });
});
