/**
 * One error shape for the whole server, in Chinese: the ticket, calendar and login routes and unknown
 * paths answer `{error, details?}` like the admin API — never Fastify's English format and never a
 * schema's internals — and free text with control or bidi characters is refused there too.
 */
import { describe, expect, it } from 'vitest';
import { api, login, type ErrorBody } from '../admin-api/admin-client.js';
import { useHarness } from '../support/harness.js';

const h = useHarness();
const CHINESE = /[\u4e00-\u9fff]/;

function expectChineseError(answer: { status: number; body: unknown }, status: number): ErrorBody {
  expect(answer.status).toBe(status);
  const body = answer.body as ErrorBody;
  expect(Object.keys(body).sort()).toEqual(body.details ? ['details', 'error'] : ['error']);
  expect(body.error).toMatch(CHINESE);
  for (const detail of body.details ?? []) {
    expect(detail.message).toMatch(CHINESE);
    expect(detail.message).not.toMatch(/must|schema|\^|\$|\\u/);
  }
  return body;
}

describe('error replies', () => {
  it('an unknown path answers 404 in the same shape', async () => {
    const answer = await api(h.server.httpUrl, 'GET', '/api/v1/no-such-thing');
    expect(expectChineseError(answer, 404).error).toBe('请求的地址不存在');
  });

  it('a ticket route refuses a bad query, a broken body and bidi text in Chinese, naming the field', async () => {
    const token = await login(h.server.httpUrl, 'admin');
    const query = await api(h.server.httpUrl, 'GET', '/api/v1/tickets?pageSize=many', { token });
    expect(expectChineseError(query, 400).details).toEqual([{ field: '/pageSize', in: 'querystring', message: '应为整数' }]);
    const caller = await api(h.server.httpUrl, 'GET', '/api/v1/tickets?caller=x', { token });
    expect(expectChineseError(caller, 400).details).toEqual([{ field: '/caller', in: 'querystring', message: '格式不正确（来电号码，数字，可带 +）' }]);

    const broken = await api(h.server.httpUrl, 'PATCH', '/api/v1/tickets/20260610000001', { token, rawBody: '{"content": ' });
    expect(expectChineseError(broken, 400).error).toBe('请求体不是有效的 JSON');

    const bidi = await api(h.server.httpUrl, 'PATCH', '/api/v1/tickets/20260610000001', { token, body: { content: '路灯坏了\u202E，请尽快修' } });
    expect(expectChineseError(bidi, 400).details).toEqual([{ field: '/content', in: 'body', message: '不能包含控制字符或文字方向控制符' }]);
    // A ticket's content may run over several lines.
    const lines = await api(h.server.httpUrl, 'PATCH', '/api/v1/tickets/20260610000001', { token, body: { content: '第一行\n第二行' } });
    expect(expectChineseError(lines, 404).error).toBe('工单不存在');
  });

  it('a calendar day named with a NUL is refused and not stored', async () => {
    const token = await login(h.server.httpUrl, 'admin');
    const answer = await api(h.server.httpUrl, 'PUT', '/api/v1/calendar/2026-11-02', { token, body: { kind: 'holiday', name: '调休\u0000' } });
    expect(expectChineseError(answer, 400).details?.[0]).toMatchObject({ field: '/name', message: '不能包含控制字符或文字方向控制符' });
    const bad = await api(h.server.httpUrl, 'PUT', '/api/v1/calendar/2026-1-2', { token, body: { kind: 'holiday', name: '调休' } });
    expect(expectChineseError(bad, 400).details?.[0]).toMatchObject({ field: '/date', message: '不是有效的日期（YYYY-MM-DD）' });
    for (const day of ['2026-02-30', '2026-13-45', '0000-00-00']) {
      const none = await api(h.server.httpUrl, 'PUT', `/api/v1/calendar/${day}`, { token, body: { kind: 'workday', name: '调休' } });
      expect(expectChineseError(none, 400).details?.[0]).toMatchObject({ field: '/date', message: '不是有效的日期（YYYY-MM-DD）' });
    }
    const coerced = await api(h.server.httpUrl, 'PUT', '/api/v1/calendar/2026-11-03', { token, body: { kind: ['holiday'], name: 0 } });
    expect(expectChineseError(coerced, 400).details?.map((d) => d.field).sort()).toEqual(['/kind', '/name']);
    const days = await api<{ date: string }[]>(h.server.httpUrl, 'GET', '/api/v1/calendar', { token });
    expect(days.body.map((d) => d.date).filter((d) => d >= '2026-11-01')).toEqual([]);
  });

  it('numbers in paths and query strings are read only when written as plain numbers', async () => {
    const token = await login(h.server.httpUrl, 'admin');
    expect((await api(h.server.httpUrl, 'GET', '/api/v1/skills/1', { token })).status).toBe(200);
    for (const id of ['true', '0x1', '1e0', '01', '1.0', '%201', 'Infinity']) {
      const answer = await api(h.server.httpUrl, 'GET', `/api/v1/skills/${id}`, { token });
      expect(expectChineseError(answer, 400).details?.[0]?.field, id).toBe('/id');
    }
    const contacts = await api<unknown[]>(h.server.httpUrl, 'GET', '/api/v1/department-contacts', { token });
    expect((await api(h.server.httpUrl, 'DELETE', '/api/v1/department-contacts/0b1', { token })).status).toBe(400);
    expect((await api<unknown[]>(h.server.httpUrl, 'GET', '/api/v1/department-contacts', { token })).body).toEqual(contacts.body);
    expect((await api(h.server.httpUrl, 'GET', '/api/v1/tickets?pageSize=Infinity', { token })).status).toBe(400);
    expect((await api(h.server.httpUrl, 'GET', '/api/v1/audit?limit=0o7', { token })).status).toBe(400);
    expect((await api(h.server.httpUrl, 'GET', '/api/v1/kpis?date=2026-13-45', { token })).status).toBe(400);
    expect((await api(h.server.httpUrl, 'GET', '/api/v1/kpis?date=2026-06-31', { token })).status).toBe(400);
    // Defaults still apply, and plain numbers still read.
    const page = await api<{ total: number }>(h.server.httpUrl, 'GET', '/api/v1/tickets?pageSize=5', { token });
    expect(page.status).toBe(200);
  });

  it('ticket bodies are not coerced and unknown fields are refused, not dropped', async () => {
    const token = await login(h.server.httpUrl, 'admin');
    const unknown = await api(h.server.httpUrl, 'PATCH', '/api/v1/tickets/20260610000001', { token, body: { a: 'x' } });
    expect(expectChineseError(unknown, 400).details?.[0]).toMatchObject({ field: '/a', message: '不允许的字段' });
    const listed = await api(h.server.httpUrl, 'POST', '/api/v1/tickets/20260610000001/actions', { token, body: { action: ['answer-directly'] } });
    expect(expectChineseError(listed, 400).details?.map((d) => d.field)).toEqual(['/action']);
    const nullNote = await api(h.server.httpUrl, 'POST', '/api/v1/tickets/20260610000001/actions', { token, body: { action: 'answer-directly', note: null } });
    expect(expectChineseError(nullNote, 400).details?.map((d) => d.field)).toEqual(['/note']);
  });

  it('the login refuses a bad body in the same shape', async () => {
    const answer = await api(h.server.httpUrl, 'POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'demo', endpoint: 'not a phone' } });
    expect(expectChineseError(answer, 400).details).toEqual([{ field: '/endpoint', in: 'body', message: '格式不正确（分机号如 1006，或话机如 PJSIP/1006）' }]);
    const none = await api(h.server.httpUrl, 'POST', '/api/v1/auth/login', { rawBody: 'x' });
    expectChineseError(none, 400);
  });
});
