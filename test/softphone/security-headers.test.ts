/**
 * Security headers on what the server answers: the pages cannot be framed, content types are not
 * sniffed, a content security policy is sent, and API answers (personal data) are never cached.
 */
import { describe, expect, it } from 'vitest';
import { useHarness } from '../support/harness.js';
import { simRequest } from '../support/sim-client.js';

const h = useHarness();

describe('security headers', () => {
  it('pages: no framing, nosniff, a content security policy that allows only this server', async () => {
    for (const path of ['/', '/admin', '/wallboard', '/reports', '/health']) {
      const res = await fetch(`${h.server.httpUrl}${path}`);
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("default-src 'self'");
    }
  });

  it('API answers are not cached', async () => {
    const login = await simRequest<{ token: string }>(h.server.httpUrl, 'POST', '/api/v1/auth/login', { username: 'super', password: 'demo' });
    expect(login.status).toBe(200);
    const res = await fetch(`${h.server.httpUrl}/api/v1/tickets?page=1`, { headers: { authorization: `Bearer ${login.body.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const refused = await fetch(`${h.server.httpUrl}/api/v1/tickets?page=1`);
    expect(refused.headers.get('cache-control')).toBe('no-store');
  });
});
