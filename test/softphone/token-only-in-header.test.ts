/**
 * A session token travels in the `Authorization` header. Only a WebSocket upgrade may carry it as
 * `?token=` (a browser cannot set headers on a WebSocket): an HTTP request with the token in its URL
 * is refused as not logged in, so that no link, browser history or proxy access log holding an API URL
 * holds a live login.
 */
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { api, login, type ErrorBody } from '../admin-api/admin-client.js';
import { registerPhones, useHarness } from '../support/harness.js';

const h = useHarness();

describe('where the token may travel', () => {
  it('an API request with the token in its query string is refused as not logged in', async () => {
    const token = await login(h.server.httpUrl, 'admin');
    for (const path of ['/api/v1/agents', '/api/v1/audit', '/api/v1/tickets?page=1']) {
      const inUrl = await api<ErrorBody>(h.server.httpUrl, 'GET', `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`);
      expect(inUrl.status, path).toBe(401);
      expect(inUrl.body.error, path).toBe('未登录：请先登录并携带 Authorization: Bearer 令牌');
      expect((await api(h.server.httpUrl, 'GET', path, { token })).status, path).toBe(200);
    }
    const logout = await api(h.server.httpUrl, 'POST', `/api/v1/auth/logout?token=${encodeURIComponent(token)}`);
    expect(logout.status).toBe(401);
  });

  it('a desktop socket still opens with the token in its URL', async () => {
    await registerPhones(h.sim, ['1001']);
    const token = await login(h.server.httpUrl, '1001');
    const socket = new WebSocket(`${h.server.httpUrl.replace('http', 'ws')}/ws/agent?token=${encodeURIComponent(token)}`);
    socket.on('error', () => undefined);
    const first = await new Promise<{ type: string }>((resolve, reject) => {
      socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()) as { type: string }));
      socket.once('unexpected-response', () => reject(new Error('refused before the upgrade')));
    });
    expect(first.type).toBe('hello');
    socket.close();
  });
});
