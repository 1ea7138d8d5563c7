/**
 * A URL the router cannot read — a broken percent escape (`/%`, `/api/v1/agents/%E0`) or a path part
 * longer than any id — is answered like every other refusal: `{error}` in Chinese, never Fastify's
 * English format naming its error code, and with the same security headers (no framing, nosniff, the
 * content security policy, not cached) as every other answer.
 */
import { describe, expect, it } from 'vitest';
import { useHarness } from '../support/harness.js';

const h = useHarness();

async function expectRefusedInChinese(path: string, method: string, status: number, error: string): Promise<void> {
  const res = await fetch(`${h.server.httpUrl}${path}`, { method });
  expect(res.status, path).toBe(status);
  expect(await res.json(), path).toEqual({ error });
  expect(res.headers.get('content-type'), path).toBe('application/json; charset=utf-8');
  expect(res.headers.get('x-frame-options'), path).toBe('DENY');
  expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
  expect(res.headers.get('content-security-policy') ?? '', path).toContain("frame-ancestors 'none'");
  expect(res.headers.get('cache-control'), path).toBe('no-store');
}

describe('URLs the router cannot read', () => {
  it('a broken percent escape: 400 in Chinese with the security headers', async () => {
    for (const path of ['/%', '/api/v1/agents/%E0', '/wallboard%zz']) await expectRefusedInChinese(path, 'GET', 400, '请求的地址不正确');
  });

  it('a path part longer than any id: 414 in Chinese with the security headers', async () => {
    await expectRefusedInChinese(`/api/v1/lockouts/${'1'.repeat(101)}`, 'DELETE', 414, '请求的地址过长');
  });
});
