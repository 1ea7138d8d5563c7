/**
 * An admin gives a ready agent the skill a caller is waiting for. The change is live (the registry
 * re-reads the agents), and the waiting caller is offered to that agent at once: the ACD runs again
 * when a ready agent's skills change, not only when an agent comes free or a caller arrives.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { client, login, type ApiAnswer } from '../admin-api/admin-client.js';
import { OpenDesks } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

// No overflow during the test: only the skill change can bring the caller an agent.
const h = useHarness({ queueOverflowSeconds: 3600 });
const desks = new OpenDesks(() => h.server.httpUrl);
let admin: <T = unknown>(method: string, path: string, body?: unknown) => Promise<ApiAnswer<T>>;

beforeAll(async () => {
  await registerPhones(h.sim);
  admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
});
afterAll(() => desks.closeAll());

const callRow = async (id: string) => first(await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1));

describe('a skill granted to a ready agent while a caller waits for it', () => {
  it('the waiting 12315 caller is offered to the agent who now has the skill', async () => {
    const agent = await desks.open('1002', true);
    const id = await placeCall(h.sim.httpUrl, '13800007001', '12315');
    await waitFor(async () => (await callRow(id))?.state === 'queued', 'the caller queued for 12315');
    expect((await callRow(id))?.skill).toBe('market-12315');
    // The agent is ready and not offered the caller (they lack the skill).
    expect(h.server.calls.agents.list().find((a) => a.login === '1002')?.state).toBe('ready');

    const skills = (await admin<{ id: number; code: string }[]>('GET', '/api/v1/skills')).body;
    const general = skills.find((s) => s.code === 'general');
    const market = skills.find((s) => s.code === 'market-12315');
    const agents = (await admin<{ id: number; login: string }[]>('GET', '/api/v1/agents')).body;
    const row = agents.find((a) => a.login === '1002');
    const patched = await admin('PATCH', `/api/v1/agents/${row?.id}`, {
      skills: [
        { skillId: general?.id, level: 6 },
        { skillId: market?.id, level: 5 },
      ],
    });
    expect(patched.status).toBe(200);
    // The live registry already knows the new skill (the change needs no restart) …
    expect(h.server.calls.agents.list().find((a) => a.login === '1002')?.skillCodes.has('market-12315')).toBe(true);

    // … and nothing else happens: no agent state changes, no other caller arrives, no overflow is due.
    const pop = await agent.next('call.offered', (m) => m.callId === id, 8000);
    expect(pop).toMatchObject({ callId: id, dialledNumber: '12315' });
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    await waitFor(async () => (await callRow(id))?.endedAt, 'the call to end');
  });
});
