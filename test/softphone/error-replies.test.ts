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
    expect(expectChineseError(bad, 400).details?.[0]).toMatchObject({ field: '/date', message: '格式不正确（YYYY-MM-DD）' });
    const days = await api<{ date: string }[]>(h.server.httpUrl, 'GET', '/api/v1/calendar', { token });
    expect(days.body.map((d) => d.date)).not.toContain('2026-11-02');
  });

  it('the login refuses a bad body in the same shape', async () => {
    const answer = await api(h.server.httpUrl, 'POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'demo', endpoint: 'not a phone' } });
    expect(expectChineseError(answer, 400).details).toEqual([{ field: '/endpoint', in: 'body', message: '格式不正确（如 PJSIP/1001）' }]);
    const none = await api(h.server.httpUrl, 'POST', '/api/v1/auth/login', { rawBody: 'x' });
    expectChineseError(none, 400);
  });
});
