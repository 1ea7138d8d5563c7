/**
 * 导入 CSV on /knowledge: the initial load from a spreadsheet (UTF-8 CSV, Excel's “CSV UTF-8” included,
 * header 标题,答复内容,部门,分类,热线,关键词,生效日期,失效日期). Imported entries land as drafts or in
 * review; the server's per-row report is shown as a table.
 */
import { api } from '../shared/api.js';
import { h, replace, toast } from '../shared/dom.js';
import { describeError } from './entry-form.js';

interface ImportReply {
  created: number;
  ids: number[];
  errors: { row: number; field: string; message: string }[];
}

export class ImportPanel {
  readonly element: HTMLElement;
  // The browser's own file button speaks the browser's language: a Chinese one stands in for it.
  private readonly file = h('input', { type: 'file', accept: '.csv,text/csv', class: 'kb-file-input', 'data-testid': 'kb-import-file' });
  private readonly fileName = h('span', { class: 'muted' }, '未选择文件');
  private readonly review = h('input', { type: 'checkbox', 'data-testid': 'kb-import-review' });
  private readonly report = h('div', { 'data-testid': 'kb-import-report' });

  constructor(
    private readonly token: () => string,
    private readonly imported: () => void,
  ) {
    this.element = h(
      'section',
      { class: 'card' },
      h('h2', null, '导入 CSV'),
      h('p', { class: 'muted' }, '首行表头：标题,答复内容,部门,分类,热线,关键词,生效日期,失效日期。Excel 请“另存为 CSV UTF-8（逗号分隔）”。有问题的行不导入，下方逐行说明。'),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', onclick: () => this.file.click() }, '选择 CSV 文件'),
        this.file,
        this.fileName,
        h('label', { class: 'inline' }, this.review, '导入后直接提交审核'),
        h('button', { type: 'button', class: 'primary', 'data-testid': 'kb-import-go', onclick: () => void this.run() }, '导入'),
      ),
      this.report,
    );
    this.file.addEventListener('change', () => (this.fileName.textContent = this.file.files?.[0]?.name ?? '未选择文件'));
  }

  private async run(): Promise<void> {
    const file = this.file.files?.[0];
    if (!file) {
      toast('请先选择 CSV 文件', 'error');
      return;
    }
    try {
      // Read as UTF-8: a file in another encoding shows replacement characters, which the server names.
      const csv = await file.text();
      const reply = await api<ImportReply>('POST', '/api/v1/knowledge/import', { token: this.token(), body: { csv, submit: this.review.checked } });
      replace(
        this.report,
        h('p', { 'data-testid': 'kb-import-summary' }, `已导入 ${reply.created} 条${this.review.checked ? '（待审核）' : '（草稿）'}${reply.errors.length ? `，${reply.errors.length} 处问题：` : '。'}`),
        reply.errors.length
          ? h(
              'table',
              { class: 'table kb-report', 'data-testid': 'kb-import-errors' },
              h('thead', null, h('tr', null, h('th', null, '行'), h('th', null, '列'), h('th', null, '问题'))),
              h('tbody', null, reply.errors.map((e) => h('tr', null, h('td', null, String(e.row)), h('td', null, e.field), h('td', null, e.message)))),
            )
          : null,
      );
      this.imported();
    } catch (error) {
      replace(this.report, h('p', { class: 'form-error' }, describeError(error)));
    }
  }
}
