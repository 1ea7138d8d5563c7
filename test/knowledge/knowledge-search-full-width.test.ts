/**
 * Chinese input methods type letters and digits full-width (全角: ＥＴＣ, １２３６６) as easily as
 * half-width, and documents copied from government notices are full of them. A search treats Ｅ and
 * E, １ and 1 as the same character (Unicode NFKC), on both sides: an agent typing １２３６６ in 全角
 * mode finds the entry about 12366, an entry written with ＥＴＣ is found by ETC, and the match is
 * marked on the text as the entry writes it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { client, login } from '../admin-api/admin-client.js';
import { useHarness } from '../support/harness.js';

const h = useHarness();
type Call = ReturnType<typeof client>;
let agent: Call;
const ids: Record<string, number> = {};

interface Hit {
  entryId: number;
  titleHtml: string;
  snippetHtml: string;
}

const entry = (title: string, answer: string) => ({
  title,
  answer,
  department: '市税务局',
  categories: ['税务'],
  hotline: null,
  keywords: '',
  validFrom: null,
  validUntil: null,
  submit: true,
});

beforeAll(async () => {
  const url = h.server.httpUrl;
  const admin = client(url, await login(url, 'admin'));
  agent = client(url, await login(url, '1001'));
  for (const [key, body] of [
    ['halfwidth', entry('12366 纳税服务热线转接', '涉税问题可转接 12366 纳税服务热线。')],
    ['fullwidth', entry('ＥＴＣ 通行费发票开具', '高速公路ＥＴＣ通行费电子发票在票根平台开具。')],
  ] as const) {
    const created = await admin<{ id: number }>('POST', '/api/v1/knowledge/entries', body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await admin('POST', `/api/v1/knowledge/entries/${created.body.id}/actions`, { action: 'approve' })).status).toBe(200);
    ids[key] = created.body.id;
  }
});

const hits = async (q: string) => (await agent<{ items: Hit[] }>('GET', `/api/v1/knowledge/search?q=${encodeURIComponent(q)}`)).body.items;
const found = async (q: string) => (await hits(q)).map((i) => i.entryId);

describe('search with full-width letters and digits', () => {
  it('a half-width query finds the entry either way (control)', async () => {
    expect(await found('12366')).toContain(ids.halfwidth);
  });

  it('finds 12366 when the agent types it full-width, and marks it', async () => {
    const hit = (await hits('１２３６６')).find((i) => i.entryId === ids.halfwidth);
    expect(hit?.titleHtml).toBe('<mark>12366</mark> 纳税服务热线转接');
  });

  it('finds an entry written with ＥＴＣ when the agent types ETC (or etc), marking ＥＴＣ as written', async () => {
    expect(await found('ETC')).toContain(ids.fullwidth);
    const hit = (await hits('etc发票')).find((i) => i.entryId === ids.fullwidth);
    expect(hit?.titleHtml).toBe('<mark>ＥＴＣ</mark> 通行费<mark>发票</mark>开具');
    expect(hit?.snippetHtml).toContain('高速公路<mark>ＥＴＣ</mark>');
  });

  it('finds it typed full-width as well', async () => {
    expect(await found('ＥＴＣ通行费')).toContain(ids.fullwidth);
  });
});
