/**
 * Upgrading a database whose knowledge index was written before full-width letters and digits were
 * folded (NFKC): jieba had cut ＥＴＣ into ｅ ｔ ｃ, which ETC never matches. The migration empties the
 * index and the server, starting, indexes every published entry again the new way before it answers
 * searches — entries withdrawn or never published stay out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { client, login } from '../admin-api/admin-client.js';
import { startHarness, type Harness } from '../support/harness.js';
import { databaseBefore } from '../support/older-database.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const AT = "'2026-06-01T02:00:00.000Z'";

/** An entry as the server before the migration left it: its row, its published version, its index row. */
function entry(id: number, title: string, answer: string, status: 'published' | 'withdrawn' | 'draft', indexed: { title: string; body: string } | null): string {
  const published = status === 'published';
  return `
    INSERT INTO knowledge_entries (id, title, answer, department, categories, status, published_version, created_by, updated_by, created_at, updated_at)
      VALUES (${id}, '${title}', '${answer}', '市税务局', '["税务"]', '${status}', ${published ? 1 : 'NULL'}, 'admin', 'super', ${AT}, ${AT});
    ${
      status === 'draft'
        ? ''
        : `INSERT INTO knowledge_versions (entry_id, version, title, answer, department, categories, keywords, written_by, published_by, published_at)
      VALUES (${id}, 1, '${title}', '${answer}', '市税务局', '["税务"]', '', 'admin', 'super', ${AT});`
    }
    ${indexed ? `INSERT INTO knowledge_fts (rowid, title, body, keywords) VALUES (${id}, '${indexed.title}', '${indexed.body}', '税务 市 税务局');` : ''}`;
}

describe('the knowledge index after the full-width migration', () => {
  it('is rebuilt at start-up: ETC finds the entry written ＥＴＣ, the others are found as before', async () => {
    const path = databaseBefore(
      '_knowledge_reindex',
      // The index rows as the old segmentation wrote them: full-width letters one by one.
      entry(1, 'ＥＴＣ 通行费发票开具', '高速公路ＥＴＣ通行费电子发票在票根平台开具。', 'published', {
        title: 'ｅ ｔ ｃ 通行 通行费 发票 开具',
        body: '高速 公路 高速公路 ｅ ｔ ｃ 通行 通行费 电子 发票 电子发票 在 票根 平台 开具',
      }) +
        entry(2, '12366 纳税服务热线转接', '涉税问题可转接 12366 纳税服务热线。', 'published', { title: '12366 纳税 服务 热线 转接', body: '涉税 问题 可 转接 12366 纳税 服务 热线' }) +
        entry(3, 'ＥＴＣ 卡注销', '旧答复。', 'withdrawn', null) +
        entry(4, 'ＥＴＣ 卡办理', '草稿。', 'draft', null),
    );

    harness = await startHarness({ dbPath: path });
    const url = harness.server.httpUrl;
    const agent = client(url, await login(url, '1001'));
    const found = async (q: string) => (await agent<{ items: { entryId: number }[] }>('GET', `/api/v1/knowledge/search?q=${encodeURIComponent(q)}`)).body.items.map((i) => i.entryId);

    // Not the withdrawn entry 3 nor the draft 4, though their titles say ＥＴＣ too.
    expect(await found('ETC')).toEqual([1]);
    expect(await found('１２３６６')).toContain(2);
    expect(await found('纳税服务热线')).toContain(2);
  });
});
