/**
 * 标题, 答复内容 and 部门 are required (minLength 1), but the server trims them after validating: a
 * title of spaces (or full-width spaces, as a Chinese IME types them) passed the check and was stored
 * as an empty title — an entry agents would see as a blank line with a blank answer. A required text
 * that is blank once trimmed is refused with 400 in the API's error shape, naming each field, on
 * creating and on editing, and nothing is stored.
 */
import { describe, expect, it } from 'vitest';
import { client, login, type ErrorBody } from '../admin-api/admin-client.js';
import { useHarness } from '../support/harness.js';

const h = useHarness();

const body = (over: Record<string, unknown> = {}) => ({
  title: '城乡居民医保参保登记',
  answer: '城乡居民可在户籍地或居住地社区服务中心办理参保登记。',
  department: '市医疗保障局',
  categories: ['医疗保障'],
  hotline: null,
  keywords: '',
  validFrom: null,
  validUntil: null,
  ...over,
});

const fields = (reply: { body: ErrorBody }) => reply.body.details?.map((d) => d.field).sort();

describe('a knowledge entry whose required texts are blank', () => {
  it('is refused, not stored with an empty title and answer', async () => {
    const admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
    const before = (await admin<{ total: number }>('GET', '/api/v1/knowledge/entries?limit=1')).body.total;
    const created = await admin<ErrorBody & { title?: string; answer?: string }>('POST', '/api/v1/knowledge/entries', body({ title: '   ', answer: '\u3000\u3000', submit: true }));
    expect(created.status, JSON.stringify(created.body)).toBe(400);
    expect(created.body).toEqual({
      error: '请求参数不正确',
      details: [
        { field: '/title', in: 'body', message: '不能为空' },
        { field: '/answer', in: 'body', message: '不能为空' },
      ],
    });
    expect((await admin<{ total: number }>('GET', '/api/v1/knowledge/entries?limit=1')).body.total).toBe(before);
  });

  it('names a blank department and a blank category too (tabs, line feeds, zero-width spaces are blank)', async () => {
    const admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
    const created = await admin<ErrorBody>('POST', '/api/v1/knowledge/entries', body({ department: '\u3000', categories: ['医疗保障', ' \u200B '], answer: '\n\t\n' }));
    expect(created.status).toBe(400);
    expect(fields(created)).toEqual(['/answer', '/categories/1', '/department']);
  });

  it('is refused on editing an entry as well, which keeps what it said', async () => {
    const url = h.server.httpUrl;
    const editor = client(url, await login(url, 'kb-ybj'));
    const created = await editor<{ id: number; title: string }>('POST', '/api/v1/knowledge/entries', body());
    expect(created.status).toBe(201);
    const edited = await editor<ErrorBody>('PUT', `/api/v1/knowledge/entries/${created.body.id}`, body({ title: '\u3000 \u3000' }));
    expect(edited.status).toBe(400);
    expect(fields(edited)).toEqual(['/title']);
    const stored = await editor<{ entry: { title: string } }>('GET', `/api/v1/knowledge/entries/${created.body.id}`);
    expect(stored.body.entry.title).toBe('城乡居民医保参保登记');
  });

  it('keeps the text of a valid entry, trimmed', async () => {
    const admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
    const created = await admin<{ title: string; department: string }>('POST', '/api/v1/knowledge/entries', body({ title: '\u3000居民医保缴费标准 ', department: ' 市医疗保障局' }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: '居民医保缴费标准', department: '市医疗保障局' });
  });
});
