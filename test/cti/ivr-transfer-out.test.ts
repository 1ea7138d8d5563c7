/**
 * An IVR menu's `transfer` key puts the caller through to a line outside the centre (a department, a
 * sub-centre). The target is written as the department gives it, a plain number dialled on the
 * carrier trunk, or as a dial string; the admin API refuses anything the PBX could not dial, so a
 * caller who presses the key never lands somewhere the admin did not mean.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { calls, ticketEvents, tickets } from '../../store/index.js';
import type { AriRequestRecord } from '../pbx-sim/ari/server.js';
import { client, login, type ErrorBody } from '../admin-api/admin-client.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { putTransferMenuOn12333, transferMenu } from '../support/transfer-menu.js';

/** The endpoints the server asked the PBX to dial (`POST /channels?endpoint=…`). */
const dialled: string[] = [];
const h = useHarness({}, {
  onAriRequest: (request: AriRequestRecord) => {
    const endpoint = request.query.find(([name]) => name === 'endpoint')?.[1];
    if (request.method === 'POST' && request.path === '/channels' && endpoint) dialled.push(endpoint);
  },
});
let admin: ReturnType<typeof client>;

interface SimChannel {
  id: string;
  name: string;
  state: string;
  bridgeId: string | null;
}

beforeAll(async () => {
  await registerPhones(h.sim);
  await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto', answerDelayMs: 50 });
  admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
});

describe('IVR transfer to a line outside the centre', () => {
  it('a plain department number is dialled on the trunk and the caller is put through to it', async () => {
    await putTransferMenuOn12333(admin, 'housing');

    const played: string[] = [];
    let id = '';
    h.sim.core.subscribe((event) => {
      if (event.type === 'playback.started' && event.playback.targetUri === `channel:${id}`) played.push(event.playback.mediaUri);
    });
    id = await placeCall(h.sim.httpUrl, '13800007001', '12333');
    await waitFor(() => played.includes('sound:menu-main'), 'the menu prompt');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/dtmf`, { digits: '1' });

    // The caller and the department's line in one bridge.
    const together = await waitFor(async () => {
      const channels = (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body;
      const caller = channels.find((c) => c.id === id);
      const line = channels.find((c) => c.id !== id && c.name.startsWith('PJSIP/trunk') && c.bridgeId !== null && c.bridgeId === caller?.bridgeId);
      return line ? { caller, line } : undefined;
    }, 'the caller bridged with the department', 10_000);
    expect(together.line.state).toBe('Up');
    expect(dialled).toContain('PJSIP/02361230001@trunk');
    const ticket = (await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, id)))[0];
    const notes = await waitFor(async () => {
      const lines = await h.server.store.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket?.id ?? -1));
      return lines.some((l) => l.kind === 'transferred') ? lines : undefined;
    }, 'the transfer on the ticket');
    expect(notes.find((l) => l.kind === 'transferred')).toMatchObject({ actor: 'ivr', note: '转接 02361230001' });

    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    const row = await waitFor(async () => {
      const current = (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)))[0];
      return current?.endedAt ? current : undefined;
    }, 'the call ended');
    expect(row.outcome).toBe('transferred');
  });

  it('a target that is neither a number nor a dial string is refused with the field and the forms it may take', async () => {
    const answer = await admin<ErrorBody>('POST', '/api/v1/menus', transferMenu('housing-bad', 'housing-line'));
    expect(answer.status).toBe(400);
    expect(answer.body.details).toContainEqual(
      expect.objectContaining({ field: '/options/1/target', message: '转接目标应为外部号码（仅数字，3–20 位）或拨号串（如 PJSIP/12366@trunk）' }),
    );
    expect((await admin<{ code: string }[]>('GET', '/api/v1/menus')).body.map((m) => m.code)).not.toContain('housing-bad');
  });
});
