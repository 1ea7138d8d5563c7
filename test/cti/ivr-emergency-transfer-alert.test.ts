/**
 * DESIGN.md §2 (Chongqing art. 10): a caller handed to an emergency line (110/119/120/122) raises a
 * supervisor alert at once — also when the voice menu hands them over, by a key or as the menu's
 * failure action, with no agent involved. The wallboard reads it as for an agent's transfer: Chinese
 * text naming the line and the hotline, the call's ticket, the caller masked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, login } from '../admin-api/admin-client.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';

const h = useHarness();
let supervisor: SupervisorDesk;

/** Key 1: 110 as a plain number; key 2: 119 as a dial string; key 3: a department; anything else twice: 120. */
const emergencyMenu = {
  code: 'emergency-lines',
  name: '紧急求助转接',
  prompts: ['menu-main'],
  timeoutSeconds: 5,
  retries: 1,
  invalidPrompt: 'invalid-input',
  options: { '1': { type: 'transfer', target: '110' }, '2': { type: 'transfer', target: 'PJSIP/119@trunk' }, '3': { type: 'transfer', target: '02361230001' } },
  onFailure: { type: 'transfer', target: '120' },
};

beforeAll(async () => {
  await registerPhones(h.sim);
  // The emergency lines answer through the carrier trunk.
  await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto', answerDelayMs: 50 });
  const admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
  const created = await admin<{ id: number }>('POST', '/api/v1/menus', emergencyMenu);
  expect(created.status).toBe(201);
  const route = (await admin<{ id: number; number: string }[]>('GET', '/api/v1/routes')).body.find((r) => r.number === '12333');
  expect((await admin('PATCH', `/api/v1/routes/${route?.id}`, { menuId: created.body.id })).status).toBe(200);
  supervisor = await SupervisorDesk.login(h.server.httpUrl, 'super');
});
afterAll(() => supervisor.close());

/** Calls 12333 and presses `keys` once the menu prompt plays (each after the prompt that asks for it). */
async function callAndPress(caller: string, keys: string[]): Promise<string> {
  let id = '';
  let prompts = 0;
  h.sim.core.subscribe((event) => {
    if (event.type === 'playback.started' && event.playback.targetUri === `channel:${id}` && event.playback.mediaUri === 'sound:menu-main') prompts += 1;
  });
  id = await placeCall(h.sim.httpUrl, caller, '12333');
  for (const [i, key] of keys.entries()) {
    await waitFor(() => prompts > i, `the menu prompt (${i + 1})`);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/dtmf`, { digits: key });
  }
  return id;
}

const cases = [
  { how: 'a key whose target is 110', caller: '13800007701', keys: ['1'], line: '110' },
  { how: 'a key whose dial string reaches 119', caller: '13800007702', keys: ['2'], line: '119' },
  { how: 'the failure action (120) after wrong keys', caller: '13800007703', keys: ['9', '9'], line: '120' },
] as const;

describe('the voice menu hands a caller to an emergency line', () => {
  for (const { how, caller, keys, line } of cases) {
    it(`${how}: the supervisors are alerted, naming the line, the hotline and the ticket, the caller masked`, async () => {
      const id = await callAndPress(caller, [...keys]);
      const alert = await supervisor.next('alert', (m) => m.kind === 'emergency-transfer' && m.callId === id);
      const ticketNumber = h.server.calls.call(id)?.summary.ticketNumber;
      expect(ticketNumber).toBeDefined();
      expect(String(alert.message)).toContain(line);
      expect(String(alert.message)).toContain('12333');
      expect(String(alert.message)).toMatch(/[\u4e00-\u9fa5]/);
      expect(alert).toMatchObject({ ticketNumber, callerNumber: `${caller.slice(0, 3)}****${caller.slice(-4)}` });
      expect(JSON.stringify(alert)).not.toContain(caller);

      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
      await waitFor(() => !h.server.calls.call(id), 'the call over');
    });
  }

  it('a key to an ordinary department line raises no emergency alert', async () => {
    const department = await callAndPress('13800007704', ['3']);
    await waitFor(() => h.server.calls.call(department)?.transferredTo === '02361230001', 'the caller put through to the department');
    // Alerts reach the wallboard in the order they are raised: once a later call's alert is in, an
    // alert for the department transfer would be in too.
    const emergency = await callAndPress('13800007705', ['1']);
    await supervisor.next('alert', (m) => m.kind === 'emergency-transfer' && m.callId === emergency);
    expect(supervisor.received.some((m) => m.type === 'alert' && m.callId === department)).toBe(false);
    for (const id of [department, emergency]) {
      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
      await waitFor(() => !h.server.calls.call(id), 'the call over');
    }
  });
});
