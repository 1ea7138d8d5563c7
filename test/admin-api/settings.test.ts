/**
 * The centre's database settings through the admin API: read by staff, changed by admins (audited),
 * and in force at once where they are used — the wallboard's targets, the retention job, the
 * callback window.
 */
import { describe, expect, it } from 'vitest';
import { callbackPolicy } from '../../cti/callbacks/calling-hours.js';
import { listAudit } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest } from '../support/sim-client.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';
import { client, login, type ErrorBody } from './admin-client.js';

const h = useHarness();

describe('settings', () => {
  it('shows the defaults to staff and refuses changes by anyone but an admin', async () => {
    const supervisor = client(h.server.httpUrl, await login(h.server.httpUrl, 'super'));
    const read = await supervisor<Record<string, unknown>>('GET', '/api/v1/settings');
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      'callback-policy': { from: '08:30', to: '20:00', workdaysOnly: true, maxAttempts: 3, spacingMinutes: 30 },
      'recording-retention': { days: 180 },
      'kpi-targets': { answerRate: 0.95, answeredWithin15sRate: 0.95, amberBand: 0.05, queueWaitRedSeconds: 15 },
      // The server's configuration (the test harness's) until an admin sets them.
      'call-timings': { ringTimeoutSeconds: 15, wrapUpSeconds: 1, queueOverflowSeconds: 60 },
    });
    expect((await supervisor('PUT', '/api/v1/settings/recording-retention', { days: 30 })).status).toBe(403);
  });

  it('applies a change at once where it is used, and audits it with before and after', async () => {
    const admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
    const sup = await SupervisorDesk.login(h.server.httpUrl, 'super');
    try {
      const targets = { answerRate: 0.9, answeredWithin15sRate: 0.8, amberBand: 0.1, queueWaitRedSeconds: 20 };
      expect((await admin('PUT', '/api/v1/settings/kpi-targets', targets)).body).toEqual(targets);
      await sup.next('snapshot', (m) => JSON.stringify(m.targets) === JSON.stringify(targets));

      expect((await admin('PUT', '/api/v1/settings/recording-retention', { days: 30 })).body).toEqual({ days: 30 });
      expect(await h.server.retention.retentionDays()).toBe(30);

      const window = await admin<ErrorBody>('PUT', '/api/v1/settings/callback-policy', { from: '20:00', to: '08:30', workdaysOnly: true, maxAttempts: 3, spacingMinutes: 30 });
      expect(window.status).toBe(400);
      expect(window.body.details).toEqual([{ field: '/to', message: '结束时间须晚于开始时间 20:00' }]);
      const bad = await admin<ErrorBody>('PUT', '/api/v1/settings/callback-policy', { from: '9:00', to: '18:00', workdaysOnly: true, maxAttempts: 0, spacingMinutes: 30 });
      expect(bad.body.details?.map((d) => d.field).sort()).toEqual(['/from', '/maxAttempts']);
      const policy = { from: '09:00', to: '18:00', workdaysOnly: false, maxAttempts: 5, spacingMinutes: 60 };
      expect((await admin('PUT', '/api/v1/settings/callback-policy', policy)).status).toBe(200);
      expect(await callbackPolicy(h.server.store.db)).toEqual(policy);

      // Call timings: the next wrap-up lasts as long as the setting says, without a restart.
      expect((await admin('PUT', '/api/v1/settings/call-timings', { ringTimeoutSeconds: 20, wrapUpSeconds: 90, queueOverflowSeconds: 30 })).status).toBe(200);
      expect((await admin<ErrorBody>('PUT', '/api/v1/settings/call-timings', { ringTimeoutSeconds: 2, wrapUpSeconds: 90, queueOverflowSeconds: 30 })).body.details?.[0]?.field).toBe('/ringTimeoutSeconds');
      expect(h.server.calls.context.settings.ringTimeoutSeconds).toBe(20);
      await registerPhones(h.sim, ['1001']);
      const desk = await AgentDesktop.login(h.server.httpUrl, '1001');
      try {
        await desk.command('agent.ready');
        const id = await placeCall(h.sim.httpUrl, '13800138000', '12345');
        await desk.next('call.answered', (m) => m.callId === id);
        await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
        const wrapUp = await desk.next('agent.state', (m) => m.state === 'wrap_up');
        expect(Date.parse(String(wrapUp.wrapUpUntil)) - Date.parse(String(wrapUp.at))).toBe(90_000);
      } finally {
        desk.close();
      }

      const trail = (await listAudit(h.server.store.db)).filter((a) => a.entity === 'setting');
      expect(trail.map((a) => a.entityId)).toEqual(expect.arrayContaining(['kpi-targets', 'recording-retention', 'callback-policy']));
      const retention = trail.find((a) => a.entityId === 'recording-retention');
      expect(retention).toMatchObject({ actor: 'admin', before: { days: 180 }, after: { days: 30 } });
    } finally {
      sup.close();
    }
  });
});
