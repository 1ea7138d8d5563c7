/**
 * SECURITY.md promises `Cache-Control: no-store` on every `/api/` answer (they carry citizens' data).
 * The router decodes the path: the same API route reached as `/%61pi/v1/…` (`%61` is `a`) answers
 * with the data, and must not be cacheable either. Whatever else does not set its own caching is not
 * stored either; the pages and their content-hashed assets keep theirs.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { login } from '../admin-api/admin-client.js';
import { useHarness } from '../support/harness.js';

// Stand-in pages: a page and a hashed asset, as the build writes them.
const pagesDir = mkdtempSync(join(tmpdir(), 'cti-pages-no-store-'));
writeFileSync(join(pagesDir, 'index.html'), '<!doctype html><title>12345</title>');
mkdirSync(join(pagesDir, 'assets'));
writeFileSync(join(pagesDir, 'assets', 'desk-3f2a9c.js'), 'export {};');
afterAll(() => rmSync(pagesDir, { recursive: true, force: true }));

const h = useHarness({ pagesDir });

const get = async (path: string, token?: string) => fetch(`${h.server.httpUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('no-store on API answers', () => {
  it('holds however the path of the API route is spelt', async () => {
    const token = await login(h.server.httpUrl, 'admin');
    const plain = await get('/api/v1/agents', token);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('cache-control')).toBe('no-store');

    for (const spelt of ['/%61pi/v1/agents', '/%61%70%69/v1/%61gents', '/api/v1/%61gents']) {
      const encoded = await get(spelt, token);
      expect(encoded.status, spelt).toBe(200);
      expect(((await encoded.json()) as unknown[]).length, spelt).toBeGreaterThan(0);
      expect(encoded.headers.get('cache-control'), spelt).toBe('no-store');
    }
  });

  it('holds for answers of no route and of the health check', async () => {
    for (const path of ['/%61pi/v1/nothing-here', '/nothing-here', '/health']) {
      expect((await get(path)).headers.get('cache-control'), path).toBe('no-store');
    }
  });

  it('leaves the pages and their hashed assets their own caching', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const asset = await get('/assets/desk-3f2a9c.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });
});
