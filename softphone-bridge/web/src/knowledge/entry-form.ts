/**
 * One entry on /knowledge: the form editors write in (保存草稿 / 保存并提交审核), the review buttons
 * for supervisors and admins (审核发布 / 退回修改 / 下架, with 审核意见), and the published versions.
 */
import { api } from '../shared/api.js';
import { dateTime, h, replace, toast } from '../shared/dom.js';
import type { Entry, Profile, Version } from './types.js';

export class EntryForm {
  readonly element = h('section', { class: 'card', 'data-testid': 'kb-entry-form' });
  private entry: Entry | null = null;

  constructor(
    private readonly token: () => string,
    private readonly profile: Profile,
    /** After a change: the list reloads, showing `id`. */
    private readonly changed: (id: number) => void,
  ) {
    this.showEmpty();
  }

  showEmpty(): void {
    this.entry = null;
    replace(this.element, h('h2', null, '知识条目'), h('p', { class: 'muted' }, this.profile.mayWrite ? '从左侧选择条目，或点击“新建条目”。' : '从左侧选择条目查看、审核。'));
  }

  async open(id: number): Promise<void> {
    try {
      const { entry, versions } = await api<{ entry: Entry; versions: Version[] }>('GET', `/api/v1/knowledge/entries/${id}`, { token: this.token() });
      this.entry = entry;
      this.render(entry, versions);
    } catch (error) {
      toast(error instanceof Error ? error.message : String(error), 'error');
    }
  }

  create(): void {
    this.entry = null;
    this.render(null, []);
  }

  private render(entry: Entry | null, versions: Version[]): void {
    const p = this.profile;
    const editable = p.mayWrite && (entry === null || entry.status !== 'review') && (p.role === 'admin' || entry === null || entry.department === p.department);
    const field = <K extends keyof HTMLElementTagNameMap>(tag: K, testid: string, value: string, attrs: Record<string, string | number | boolean> = {}) =>
      h(tag, { 'data-testid': testid, value, disabled: !editable, ...attrs });
    const title = field('input', 'kb-title', entry?.title ?? '', { maxlength: 200, required: true });
    const answer = field('textarea', 'kb-answer', entry?.answer ?? '', { maxlength: 8000, required: true });
    // An editor writes for their own department only.
    const department = field('input', 'kb-department', entry?.department ?? p.department ?? '', { maxlength: 64, required: true, readonly: p.role === 'editor' });
    const categories = field('input', 'kb-categories', entry?.categories.join('、') ?? '', { placeholder: '如：医疗保障、证件办理' });
    const hotline = field('input', 'kb-hotline', entry?.hotline ?? '', { placeholder: '如 12333；不填为全部热线', inputmode: 'numeric' });
    const keywords = field('input', 'kb-keywords', entry?.keywords ?? '', { placeholder: '同义词、简称、俗称，空格分隔，如：医保卡 社保卡 补卡' });
    const validFrom = field('input', 'kb-valid-from', entry?.validFrom ?? '', { type: 'date' });
    const validUntil = field('input', 'kb-valid-until', entry?.validUntil ?? '', { type: 'date' });
    const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'kb-form-error' });
    const body = () => ({
      title: title.value,
      answer: answer.value,
      department: department.value,
      categories: categories.value.split(/[、,，;；]/).map((c) => c.trim()).filter(Boolean),
      hotline: hotline.value.trim() || null,
      keywords: keywords.value,
      validFrom: validFrom.value || null,
      validUntil: validUntil.value || null,
    });
    const save = async (submit: boolean) => {
      error.textContent = '';
      try {
        const saved = entry
          ? await api<Entry>('PUT', `/api/v1/knowledge/entries/${entry.id}`, { token: this.token(), body: { ...body(), submit } })
          : await api<Entry>('POST', '/api/v1/knowledge/entries', { token: this.token(), body: { ...body(), submit } });
        toast(submit ? '已保存并提交审核' : '草稿已保存');
        this.changed(saved.id);
        await this.open(saved.id);
      } catch (e) {
        error.textContent = describeError(e);
      }
    };
    const note = h('textarea', { 'data-testid': 'kb-note', rows: 2, maxlength: 1000, placeholder: '审核意见（退回、下架时必填）' });
    const act = async (action: string, done: string) => {
      if (!entry) return;
      error.textContent = '';
      try {
        await api('POST', `/api/v1/knowledge/entries/${entry.id}/actions`, { token: this.token(), body: { action, ...(note.value.trim() ? { note: note.value.trim() } : {}) } });
        toast(done);
        this.changed(entry.id);
        await this.open(entry.id);
      } catch (e) {
        error.textContent = describeError(e);
      }
    };
    const s = entry?.status;
    // 下架 takes away the version agents read, also while a revision of it is a draft or in review.
    const withdrawable = s === 'published' || s === 'expired' || (entry?.publishedVersion ?? null) !== null;
    const button = (label: string, testid: string, onclick: () => void, klass = '') => h('button', { type: 'button', class: klass, 'data-testid': testid, onclick }, label);
    replace(
      this.element,
      h('h2', null, entry ? `知识条目 #${entry.id} ` : '新建知识条目 ', entry ? h('span', { class: `tag kb-status status-${entry.status}`, 'data-testid': 'kb-status', 'data-status': entry.status }, entry.statusName) : null),
      entry
        ? h(
            'p',
            { class: 'muted' },
            `${entry.department} · 创建 ${entry.createdBy} · 最后修改 ${entry.updatedBy} ${dateTime(entry.updatedAt)}`,
            entry.publishedVersion ? ` · 话务员当前看到第 ${entry.publishedVersion} 版` : ' · 尚未发布',
          )
        : null,
      entry?.reviewNote ? h('p', { class: 'kb-note', 'data-testid': 'kb-review-note' }, `审核意见：${entry.reviewNote}`) : null,
      h(
        'form',
        { class: 'kb-form', onsubmit: (e: Event) => e.preventDefault() },
        h('label', { class: 'wide' }, '标题', title),
        h('label', { class: 'wide' }, '答复内容', answer),
        h('label', null, '部门', department),
        h('label', null, '分类', categories),
        h('label', null, '热线', hotline),
        h('label', null, '关键词', keywords),
        h('label', null, '生效日期', validFrom),
        h('label', null, '失效日期（含当日）', validUntil),
      ),
      error,
      editable
        ? h(
            'div',
            { class: 'actions' },
            button('保存草稿', 'kb-save', () => void save(false)),
            button('保存并提交审核', 'kb-save-submit', () => void save(true), 'primary'),
            entry && s === 'draft' ? button('提交审核', 'kb-submit', () => void act('submit', '已提交审核')) : null,
          )
        : entry?.status === 'review' && p.mayWrite && !p.mayReview
          ? h('p', { class: 'muted' }, '条目正在审核中，审核退回后才能修改')
          : null,
      entry && p.mayReview && (s === 'review' || withdrawable)
        ? h(
            'div',
            { class: 'kb-review' },
            h('h3', null, '审核'),
            note,
            h(
              'div',
              { class: 'actions' },
              s === 'review' ? button('审核发布', 'kb-approve', () => void act('approve', '已发布，话务员现在可以检索到'), 'primary') : null,
              s === 'review' ? button('退回修改', 'kb-reject', () => void act('reject', '已退回修改')) : null,
              withdrawable ? button('下架', 'kb-withdraw', () => void act('withdraw', '已下架'), 'danger') : null,
            ),
          )
        : null,
      entry ? this.versionList(entry.id, versions) : null,
    );
  }

  private versionList(id: number, versions: Version[]): HTMLElement {
    const shown = h('div', { 'data-testid': 'kb-version-text' });
    return h(
      'div',
      null,
      h('h3', null, '发布版本'),
      versions.length === 0
        ? h('p', { class: 'muted' }, '尚无发布版本')
        : h(
            'ul',
            { class: 'kb-versions', 'data-testid': 'kb-versions' },
            versions.map((v) =>
              h(
                'li',
                null,
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'ghost small',
                    onclick: () =>
                      replace(shown, h('h4', null, `第 ${v.version} 版：${v.title}`), h('div', { class: 'kb-version-text' }, v.answer), h('p', { class: 'muted' }, `有效期：${v.validFrom ?? '不限'} 至 ${v.validUntil ?? '不限'}`)),
                  },
                  `第 ${v.version} 版`,
                ),
                ` ${v.title} · ${v.writtenBy} 编写，${v.publishedBy} 发布于 ${dateTime(v.publishedAt)}`,
              ),
            ),
          ),
      shown,
    );
  }
}

/** The server's message, with the fields it names. */
export function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const body = (e as { body?: { details?: { field: string; message: string }[] } }).body;
  const details = body?.details?.map((d) => `${FIELD_NAMES[d.field.replace(/^\//, '')] ?? d.field}：${d.message}`) ?? [];
  return details.length ? `${e.message}：${details.join('；')}` : e.message;
}

const FIELD_NAMES: Record<string, string> = {
  title: '标题',
  answer: '答复内容',
  department: '部门',
  categories: '分类',
  hotline: '热线',
  keywords: '关键词',
  validFrom: '生效日期',
  validUntil: '失效日期',
  note: '审核意见',
};
