/**
 * A skill callers are waiting for, changed by an admin while they wait. Deleting it is refused (409,
 * in Chinese, nothing changed): with the skill gone no agent could ever be given it, and the waiting
 * callers would be served by nobody (until the overflow wait, up to an hour) and shown on no wallboard.
 * Renaming its code is allowed, and the wallboard still counts every caller waiting for it — those who
 * joined under the old code too.
 */
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, calls } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { client, login, type ApiAnswer, type ErrorBody } from './admin-client.js';
import { OpenDesks, type WireMessage } from '../support/agent-desktop.js';
import { hangUpEverything, registerPhones, startHarness, type Harness } from '../support/harness.js';
import { placeCall, simChannels, simRequest, waitFor } from '../support/sim-client.js';
import { putTransferMenuOn12333 } from '../support/transfer-menu.js';
import { PROMPTS } from '../../ivr/prompts.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';

let h: Harness;
const desks = new OpenDesks(() => h.server.httpUrl);
let admin: <T = unknown>(method: string, path: string, body?: unknown) => Promise<ApiAnswer<T>>;
interface Row {
  id: number;
  [key: string]: unknown;
}

beforeAll(async () => {
  // No overflow during the test: only an agent with the skill can take the callers.
  h = await startHarness({ queueOverflowSeconds: 3600 });
  await registerPhones(h.sim);
  admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
});
afterEach(async () => {
  await hangUpEverything(h);
  desks.closeAll();
});
afterAll(async () => h.stop());

const callRow = async (id: string) => first(await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1));
/** The row says so and the caller is in the line (its holding bridge). */
const queued = (id: string) => waitFor(async () => (await callRow(id))?.state === 'queued' && h.server.calls.queue.queuedAt(id) !== undefined, 'the caller in line');
const routeOf = async (number: string) => (await admin<Row[]>('GET', '/api/v1/routes')).body.find((r) => r.number === number);
const agentOf = async (login: string) => (await admin<Row[]>('GET', '/api/v1/agents')).body.find((a) => a.login === login);

describe('a skill changed while callers wait for it', () => {
  it('deleting it is refused while a caller waits, and the caller is served once an agent is given it', async () => {
    const skill = (await admin<Row>('POST', '/api/v1/skills', { code: 'pension-12333', name: '12333 养老保险' })).body;
    const route = await routeOf('12333');
    expect((await admin('PATCH', `/api/v1/routes/${route?.id}`, { skillId: skill.id })).status).toBe(200);
    const id = await placeCall(h.sim.httpUrl, '13800008101', '12333');
    await queued(id);
    expect((await callRow(id))?.skill).toBe('pension-12333');
    // The admin points the route back and deletes the skill nothing is configured to use any more.
    expect((await admin('PATCH', `/api/v1/routes/${route?.id}`, { skillId: route?.skillId })).status).toBe(200);
    const audits = (await h.server.store.db.select().from(auditLog)).length;

    const refused = await admin<ErrorBody>('DELETE', `/api/v1/skills/${skill.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('技能 pension-12333 仍有 1 位来电正在排队等候，不能删除，请待这些来电接通后再删除');
    expect((await admin('GET', `/api/v1/skills/${skill.id}`)).status).toBe(200);
    expect((await h.server.store.db.select().from(auditLog)).length).toBe(audits);

    // The skill is still there to give: the agent who gets it is offered the caller.
    const agent = await agentOf('1002');
    const skills = (agent?.skills as { skillId: number; level: number }[]).map(({ skillId, level }) => ({ skillId, level })).concat({ skillId: skill.id, level: 5 });
    expect((await admin('PATCH', `/api/v1/agents/${agent?.id}`, { skills })).status).toBe(200);
    const desk = await desks.open('1002', true);
    await desk.next('call.answered', (m) => m.callId === id);
  });

  it('deleting it is refused while a caller hears 转接未成功 on the way back into its line', async () => {
    const skill = (await admin<Row>('POST', '/api/v1/skills', { code: 'pension-notice', name: '12333 养老保险（提示）' })).body;
    const route = await routeOf('12333');
    expect((await admin('PATCH', `/api/v1/routes/${route?.id}`, { skillId: skill.id })).status).toBe(200);
    await putTransferMenuOn12333(admin, 'skill-notice-menu');
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'manual' });
    // The notice lasts long enough for the admin's request to come while it plays.
    h.sim.core.soundDurations[PROMPTS.transferFailed] = 60;
    const heard: string[] = [];
    let id = '';
    const unsubscribe = h.sim.core.subscribe((event) => {
      if (event.type === 'playback.started' && event.playback.targetUri === `channel:${id}`) heard.push(event.playback.mediaUri);
    });
    try {
      id = await placeCall(h.sim.httpUrl, '13800008104', '12333');
      await waitFor(() => heard.includes('sound:menu-main'), 'the menu');
      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/dtmf`, { digits: '1' });
      const line = await waitFor(async () => (await simChannels(h.sim.httpUrl)).find((c) => c.name.startsWith('PJSIP/trunk') && c.state === 'Ringing'), "the department's line ringing");
      await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/trunk/hangup', { channelId: line.id });
      await waitFor(() => heard.includes(`sound:${PROMPTS.transferFailed}`), 'the notice playing');
      // Nothing is configured to use the skill any more; the caller is on their way into its line.
      expect((await admin('PATCH', `/api/v1/routes/${route?.id}`, { skillId: route?.skillId, menuId: route?.menuId ?? null })).status).toBe(200);
      const refused = await admin<ErrorBody>('DELETE', `/api/v1/skills/${skill.id}`);
      expect(refused.status).toBe(409);
      expect(refused.body.error).toBe('技能 pension-notice 仍有 1 位来电正在排队等候，不能删除，请待这些来电接通后再删除');
    } finally {
      unsubscribe();
      delete h.sim.core.soundDurations[PROMPTS.transferFailed];
    }
  });

  it('renaming its code keeps every waiting caller on the wallboard under the new code', async () => {
    const wall = await SupervisorDesk.login(h.server.httpUrl, 'super');
    try {
      const first = await placeCall(h.sim.httpUrl, '13800008102', '12315');
      await queued(first);
      const market = (await admin<Row[]>('GET', '/api/v1/skills')).body.find((s) => s.code === 'market-12315');
      expect((await admin('PATCH', `/api/v1/skills/${market?.id}`, { code: 'market' })).status).toBe(200);
      const second = await placeCall(h.sim.httpUrl, '13800008103', '12315');
      await queued(second);
      expect((await callRow(second))?.skill).toBe('market');

      type SkillFigure = { code: string; waiting: number };
      const figure = (m: WireMessage) => (m.skills as SkillFigure[] | undefined)?.find((s) => s.code === 'market');
      // The second picture from here on was drawn with both in line (the first may be under way).
      const mark = wall.received.length;
      const pictures = () => wall.received.slice(mark).filter((m) => m.type === 'snapshot');
      const snapshot = await waitFor(() => pictures()[1], 'a wallboard picture of both callers');
      expect(figure(snapshot)?.waiting).toBe(2);
    } finally {
      wall.close();
    }
  });
});
