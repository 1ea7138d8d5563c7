/**
 * A confidential caller's name and numbers are for the agent who took the call only. The audit log
 * (`GET /api/v1/audit`, read by admins) records every save of the ticket form, and the desk saves the
 * whole form as the agent types — often the name and 联系电话 before the agent ticks 是否保密. The audit
 * says what was saved without the caller's identity: the name never, the phone masked.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../admin-api/admin-client.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { answeredCall, fullForm } from '../support/ticket-calls.js';

const h = useHarness();
beforeAll(() => registerPhones(h.sim));

interface AuditRow {
  action: string;
  entity: string;
  entityId: string | null;
  after: unknown;
}

describe('the audit of a confidential ticket', () => {
  it('keeps the caller’s name and phone out of the admins’ audit log', async () => {
    const db = h.server.store.db;
    const call = await answeredCall({ httpUrl: h.server.httpUrl, simUrl: h.sim.httpUrl }, '1001', '13800137601');
    const path = `/api/v1/tickets/${call.number}`;
    const token = call.desk.token;
    // The name and phone typed first, 是否保密 ticked on a later save (as the desk saves while the agent types).
    const typed = await api(h.server.httpUrl, 'PATCH', path, { token, body: await fullForm(db, { callerName: '李保密', contactPhone: '13977776666' }) });
    expect(typed.status).toBe(200);
    const ticked = await api(h.server.httpUrl, 'PATCH', path, { token, body: await fullForm(db, { callerName: '李保密', contactPhone: '13977776666', confidential: true }) });
    expect(ticked.status).toBe(200);

    const admin = await login(h.server.httpUrl, 'admin');
    // The admin's read of the ticket masks the caller…
    const read = await api<{ ticket: { callerName: string; contactPhone: string } }>(h.server.httpUrl, 'GET', path, { token: admin });
    expect(read.body.ticket).toMatchObject({ callerName: '（保密）', contactPhone: '139****6666' });
    // …and so does the audit of the saves: what was saved, never who the caller is.
    const audit = await api<AuditRow[]>(h.server.httpUrl, 'GET', `/api/v1/audit?entity=ticket&entityId=${call.number}`, { token: admin });
    expect(audit.status).toBe(200);
    const saves = audit.body.filter((row) => row.action === 'update');
    expect(saves).toHaveLength(2);
    const text = JSON.stringify(saves);
    expect(text).not.toContain('李保密');
    expect(text).not.toContain('13977776666');
    // Still an audit: the fields saved are there, the phone masked, the rest as sent.
    expect(saves[0]?.after).toMatchObject({ callerName: '（保密）', contactPhone: '139****6666', confidential: true, content: '小区物业擅自上调物业费，未经业主大会同意。' });
    await call.hangUp();
    call.desk.close();
  });
});
