/**
 * A caller whose transfer did not go through hears 转接未成功 on the way back into line; the server
 * restarts while it plays. By then the call is recorded as back in line (queued), so the new server
 * takes the caller back in line — never as a call whose agent hung up while it was away, which
 * would hang the caller up after being told they would be served.
 */
import { describe, expect, it } from 'vitest';
import { PROMPTS } from '../../ivr/prompts.js';
import { createDepartmentContact } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones } from '../support/harness.js';
import { restartWorld } from '../support/restart-world.js';
import { placeCall, simChannels, simRequest, waitFor } from '../support/sim-client.js';

describe('a server restarted while a caller hears the transfer-failed notice', () => {
  it('takes the caller back in line', { timeout: 45_000 }, async () => {
    const world = await restartWorld();
    try {
      const { sim } = world;
      await registerPhones(sim, ['1001']);
      await simRequest(sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'manual' });
      // An hour of audio: the restart happens while it plays, however slow the machine.
      sim.core.soundDurations[PROMPTS.transferFailed] = 3600;
      const heard: { channel: string; what: string }[] = [];
      sim.core.subscribe((event) => {
        if (event.type === 'playback.started' && event.playback.targetUri.startsWith('channel:')) {
          heard.push({ channel: event.playback.targetUri.slice('channel:'.length), what: `play ${event.playback.mediaUri}` });
        }
        if (event.type === 'bridge.enter') heard.push({ channel: event.channel.id, what: `enter ${event.bridge.bridgeType}` });
      });
      const first = await world.boot();
      const department = await createDepartmentContact(first.server.store.db, { unit: '市住房城乡建委', person: '钱科长', phone: '02361230002' });
      const desk = await AgentDesktop.login(first.server.httpUrl, '1001');
      try {
        expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
        const caller = await placeCall(sim.httpUrl, '13800007911', '12345');
        await desk.next('call.answered', (m) => m.callId === caller);
        expect(await desk.command('call.transfer', { callId: caller, target: { kind: 'contact', contactId: department.id }, mode: 'blind' })).toMatchObject({ ok: true });
        const channels = () => simChannels(sim.httpUrl);
        const line = await waitFor(async () => (await channels()).find((c) => c.name.startsWith('PJSIP/trunk-') && c.id !== caller && c.state === 'Ringing'), "the department's line ringing");
        await simRequest(sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/trunk/hangup', { channelId: line.id });
        await waitFor(() => heard.some((e) => e.channel === caller && e.what === `play sound:${PROMPTS.transferFailed}`), 'the notice playing');
        desk.close();
        await first.server.close();
        const mark = heard.length;

        const second = await world.boot();
        expect(second.passes[0]).toMatchObject({ requeued: 1 });
        await waitFor(() => heard.slice(mark).some((e) => e.channel === caller && e.what === 'enter holding'), 'the caller in the holding bridge');
        expect((await channels()).some((c) => c.id === caller)).toBe(true);
      } finally {
        desk.close();
      }
    } finally {
      await world.cleanup();
    }
  });
});
