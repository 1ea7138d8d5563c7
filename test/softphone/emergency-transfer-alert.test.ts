/**
 * DESIGN.md §2 (Chongqing art. 10): an emergency transfer to 110/119/120/122 raises a supervisor alert
 * at once, whichever way the agent hands the caller over — 转接 (blind), 咨询转接 (attended) or 三方通话 —
 * and whether the agent picks the line from the emergency buttons or from the directory's contacts.
 * Each is sent from a real agent desktop; the alert is what the supervisor's wallboard receives.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDepartmentContact } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';

const h = useHarness({ ringTimeoutSeconds: 5 });
const desks: AgentDesktop[] = [];
let supervisor: SupervisorDesk;

beforeAll(async () => {
  await registerPhones(h.sim);
  // The emergency lines answer through the carrier trunk.
  await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto', answerDelayMs: 50 });
  supervisor = await SupervisorDesk.login(h.server.httpUrl, 'super');
});
afterEach(() => {
  // An agent whose desktop is gone is not offered the next test's caller.
  while (desks.length) desks.pop()?.close();
});
afterAll(() => {
  supervisor.close();
});

const cases = [
  { how: 'a blind transfer', login: '1001', caller: '13800007401', line: '110', command: 'call.transfer', fields: { mode: 'blind' } },
  { how: 'an attended transfer', login: '1002', caller: '13800007402', line: '119', command: 'call.transfer', fields: { mode: 'attended' } },
  { how: 'a three-way call', login: '1003', caller: '13800007403', line: '120', command: 'call.conference', fields: {} },
] as const;

describe('transfer to an emergency line', () => {
  for (const { how, login, caller, line, command, fields } of cases) {
    it(`${how} to ${line} alerts the supervisors at once, naming the line, the agent and the masked caller`, async () => {
      const agent = await AgentDesktop.login(h.server.httpUrl, login);
      desks.push(agent);
      expect(await agent.command('agent.ready')).toMatchObject({ ok: true });
      const id = await placeCall(h.sim.httpUrl, caller, '12345');
      await agent.next('call.answered', (m) => m.callId === id);

      expect(await agent.command(command, { callId: id, target: { kind: 'emergency', number: line }, ...fields })).toMatchObject({ ok: true });
      const alert = await supervisor.next('alert', (m) => m.kind === 'emergency-transfer' && m.callId === id);
      expect(String(alert.message)).toContain(line);
      expect(alert).toMatchObject({ agentLogin: login, callerNumber: `${caller.slice(0, 3)}****${caller.slice(-4)}` });

      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
      await waitFor(() => !h.server.calls.call(id), 'the call over');
    });
  }

  // The directory may list an emergency line as a department contact (市公安局 110 指挥中心): handing
  // the caller to it is an emergency transfer all the same.
  const contactCases = [
    { how: 'a blind transfer', login: '1001', caller: '13800007404', command: 'call.transfer', fields: { mode: 'blind' } },
    { how: 'a three-way call', login: '1002', caller: '13800007405', command: 'call.conference', fields: {} },
  ] as const;
  for (const { how, login, caller, command, fields } of contactCases) {
    it(`${how} to a directory contact whose number is 110 alerts the supervisors too`, async () => {
      const contact = await createDepartmentContact(h.server.store.db, { unit: '市公安局', person: `指挥中心 ${login}`, phone: '110' });
      const agent = await AgentDesktop.login(h.server.httpUrl, login);
      desks.push(agent);
      expect(await agent.command('agent.ready')).toMatchObject({ ok: true });
      const id = await placeCall(h.sim.httpUrl, caller, '12345');
      await agent.next('call.answered', (m) => m.callId === id);

      expect(await agent.command(command, { callId: id, target: { kind: 'contact', contactId: contact.id }, ...fields })).toMatchObject({ ok: true });
      const alert = await supervisor.next('alert', (m) => m.kind === 'emergency-transfer' && m.callId === id);
      expect(String(alert.message)).toContain('110');
      expect(alert).toMatchObject({ agentLogin: login, callerNumber: `${caller.slice(0, 3)}****${caller.slice(-4)}` });

      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
      await waitFor(() => !h.server.calls.call(id), 'the call over');
    });
  }
});
