/**
 * A published entry is what agents read to citizens. When its content turns out wrong (a policy
 * changed overnight), a supervisor takes it down (下架). An editor having started a revision (the
 * working copy is a draft again, version 1 still shown to agents) must not stop that: the supervisor
 * has no other way to take version 1 away from agents (a draft can be neither rejected nor approved
 * by them). The revision is kept: the editor submits it and, once approved, it is what agents read.
 */
import { describe, expect, it } from 'vitest';
import { client, login, type ErrorBody } from '../admin-api/admin-client.js';
import { useHarness } from '../support/harness.js';

const h = useHarness();

interface Entry {
  id: number;
  status: string;
  answer: string;
  publishedVersion: number | null;
  reviewNote: string | null;
}

const body = (over: Record<string, unknown> = {}) => ({
  title: '门诊慢特病待遇申请',
  answer: '患高血压、糖尿病等门诊慢特病的参保人，可持二级以上医院诊断证明到定点医院医保窗口申请。',
  department: '市医疗保障局',
  categories: ['医疗保障'],
  hotline: null,
  keywords: '慢病 特病 门特',
  validFrom: null,
  validUntil: null,
  ...over,
});

async function desks() {
  const url = h.server.httpUrl;
  const editor = client(url, await login(url, 'kb-ybj'));
  const supervisor = client(url, await login(url, 'super'));
  const agent = client(url, await login(url, '1001'));
  const search = async (q: string) =>
    (await agent<{ items: { entryId: number; version: number; answer: string }[] }>('GET', `/api/v1/knowledge/search?q=${encodeURIComponent(q)}`)).body.items;
  return { editor, supervisor, agent, search };
}

describe('taking down a published entry while its revision is in draft', () => {
  it('is possible for a supervisor: agents no longer find it, the draft stays for the next version', async () => {
    const { editor, supervisor, search } = await desks();
    const ids = async (q: string) => (await search(q)).map((i) => i.entryId);

    const created = await editor<Entry>('POST', '/api/v1/knowledge/entries', { ...body(), submit: true });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await supervisor<Entry>('POST', `/api/v1/knowledge/entries/${id}/actions`, { action: 'approve' })).body).toMatchObject({ status: 'published', publishedVersion: 1 });
    expect(await ids('门诊慢特病')).toContain(id);

    // The editor starts a revision; version 1 is still what agents read.
    const revised = '新政策下门诊慢特病改为线上申请。';
    expect((await editor<Entry>('PUT', `/api/v1/knowledge/entries/${id}`, body({ answer: revised }))).status).toBe(200);
    expect(await ids('门诊慢特病')).toContain(id);

    const withdrawn = await supervisor<Entry | ErrorBody>('POST', `/api/v1/knowledge/entries/${id}/actions`, { action: 'withdraw', note: '政策已调整，旧答复有误' });
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    // The revision is kept as it was written, with the reason, and nothing is published any more.
    expect(withdrawn.body).toMatchObject({ status: 'draft', publishedVersion: null, answer: revised, reviewNote: '政策已调整，旧答复有误' });
    expect(await ids('门诊慢特病')).not.toContain(id);
    expect(await ids('二级以上医院诊断证明')).not.toContain(id);
    // Version 1 stays readable as it was (history, linked tickets).
    const v1 = await supervisor<{ answer: string }>('GET', `/api/v1/knowledge/entries/${id}/versions/1`);
    expect(v1.body.answer).toContain('二级以上医院诊断证明');

    // Submitted and approved, the revision is version 2, and agents find it again.
    expect((await editor<Entry>('POST', `/api/v1/knowledge/entries/${id}/actions`, { action: 'submit' })).body).toMatchObject({ status: 'review' });
    expect((await supervisor<Entry>('POST', `/api/v1/knowledge/entries/${id}/actions`, { action: 'approve' })).body).toMatchObject({ status: 'published', publishedVersion: 2 });
    expect((await search('门诊慢特病')).find((i) => i.entryId === id)).toMatchObject({ version: 2, answer: revised });
  });

  it('also while the revision waits for review, which a supervisor may still approve', async () => {
    const { editor, supervisor, search } = await desks();
    const created = await editor<Entry>('POST', '/api/v1/knowledge/entries', { ...body({ title: '长期护理保险待遇申请', keywords: '长护险' }), submit: true });
    const id = created.body.id;
    await supervisor('POST', `/api/v1/knowledge/entries/${id}/actions`, { action: 'approve' });
    expect((await editor<Entry>('PUT', `/api/v1/knowledge/entries/${id}`, { ...body({ title: '长期护理保险待遇申请', keywords: '长护险', answer: '长护险改为线上申请。' }), submit: true })).body).toMatchObject({
      status: 'review',
      publishedVersion: 1,
    });

    const withdrawn = await supervisor<Entry>('POST', `/api/v1/knowledge/entries/${id}/actions`, { action: 'withdraw', note: '旧答复有误' });
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    expect(withdrawn.body).toMatchObject({ status: 'review', publishedVersion: null });
    expect((await search('长期护理保险')).map((i) => i.entryId)).not.toContain(id);
    // Nothing left to withdraw.
    const again = await supervisor<ErrorBody>('POST', `/api/v1/knowledge/entries/${id}/actions`, { action: 'withdraw', note: '再下架' });
    expect(again).toMatchObject({ status: 409, body: { error: '只有已发布或已失效的条目可以下架' } });
    expect((await supervisor<Entry>('POST', `/api/v1/knowledge/entries/${id}/actions`, { action: 'approve' })).body).toMatchObject({ status: 'published', publishedVersion: 2 });
  });

  it('is refused to the editor, as any withdrawal', async () => {
    const { editor, supervisor } = await desks();
    const created = await editor<Entry>('POST', '/api/v1/knowledge/entries', { ...body({ title: '门诊共济报销' }), submit: true });
    const id = created.body.id;
    await supervisor('POST', `/api/v1/knowledge/entries/${id}/actions`, { action: 'approve' });
    await editor('PUT', `/api/v1/knowledge/entries/${id}`, body({ title: '门诊共济报销', answer: '修订中。' }));
    const refused = await editor<ErrorBody>('POST', `/api/v1/knowledge/entries/${id}/actions`, { action: 'withdraw', note: '下架' });
    expect(refused).toMatchObject({ status: 403, body: { error: '只有班长或管理员可以下架条目' } });
  });
});
