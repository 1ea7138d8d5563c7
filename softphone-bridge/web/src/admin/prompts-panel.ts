/**
 * 提示音目录: every prompt routes and menus may play — the built-in set and those added here (a new
 * merged hotline's notice or greeting) — with who plays it. An added prompt's sound is made from its
 * text by the server's Mandarin generator (生成语音), or recorded and copied to Asterisk later.
 */
import { api } from '../shared/api.js';
import { dateTime, h, replace, toast } from '../shared/dom.js';
import type { Context } from './crud.js';
import { problemsOf } from './problems.js';

export interface CataloguePrompt {
  id: string;
  text: string;
  builtIn: boolean;
  createdBy: string | null;
  generatedAt: string | null;
  usedBy: string[];
}

export class PromptsPanel {
  readonly element: HTMLElement;
  private readonly list = h('div', { 'data-testid': 'prompt-list' });
  private readonly newId = h('input', { maxlength: 64, placeholder: '如 notice-merged-12369', 'data-testid': 'prompt-new-id' });
  private readonly newText = h('textarea', { rows: 2, maxlength: 300, placeholder: '朗读的文字，如：原12369环保举报热线已并入12345热线，正在为您转接。', 'data-testid': 'prompt-new-text' });
  private readonly error = h('p', { class: 'form-error', 'data-testid': 'prompt-error' });

  constructor(
    private readonly ctx: Context,
    private readonly onChange: (prompts: CataloguePrompt[]) => void,
  ) {
    this.element = h(
      'section',
      { class: 'card', 'data-testid': 'panel-prompts' },
      h('h2', null, '提示音目录'),
      h('p', { class: 'muted' }, '热线路由与 IVR 菜单只能选用目录中的提示音。新增的提示音可由服务器用普通话语音合成生成声音文件，也可日后换成同名录音。'),
      h(
        'div',
        { class: 'row' },
        h('label', null, '编号（小写字母、数字、连字符）', this.newId),
        h('label', { class: 'wide' }, '内容', this.newText),
      ),
      h(
        'div',
        { class: 'actions' },
        h('button', { class: 'primary', 'data-testid': 'prompt-add', onclick: () => void this.add(false) }, '添加'),
        h('button', { 'data-testid': 'prompt-add-generate', onclick: () => void this.add(true) }, '添加并生成语音'),
      ),
      this.error,
      this.list,
    );
  }

  async load(): Promise<void> {
    let prompts: CataloguePrompt[];
    try {
      prompts = await api<CataloguePrompt[]>('GET', '/api/v1/prompts', { token: this.ctx.token() });
    } catch (error) {
      replace(this.list, h('p', { class: 'form-error' }, `读取失败：${problemsOf(error).summary}`));
      return;
    }
    this.onChange(prompts);
    replace(
      this.list,
      h(
        'table',
        { class: 'table' },
        h('thead', null, h('tr', null, h('th', null, '编号'), h('th', null, '内容'), h('th', null, '来源'), h('th', null, '使用者'), h('th', null, '语音'), h('th', null, '操作'))),
        h(
          'tbody',
          null,
          prompts.map((p) =>
            h(
              'tr',
              { 'data-row': p.id },
              h('td', { class: 'nowrap' }, p.id),
              h('td', null, p.text),
              h('td', { class: 'nowrap' }, p.builtIn ? h('span', { class: 'tag' }, '内置') : h('span', { class: 'tag tag-ok' }, `新增 · ${p.createdBy ?? ''}`)),
              h('td', null, p.usedBy.length ? p.usedBy.join('、') : h('span', { class: 'muted' }, '未使用')),
              h('td', { class: 'nowrap', 'data-testid': 'prompt-generated' }, p.builtIn ? '随提示音包' : p.generatedAt ? `已生成 ${dateTime(p.generatedAt)}` : '未生成'),
              h(
                'td',
                { class: 'nowrap' },
                p.builtIn
                  ? null
                  : [
                      h('button', { class: 'small', 'data-testid': 'prompt-generate', onclick: () => void this.generate(p.id) }, '生成语音'),
                      ' ',
                      h('button', { class: 'small danger', disabled: p.usedBy.length > 0, title: p.usedBy.length ? '仍在使用，不能删除' : '', onclick: () => void this.remove(p) }, '删除'),
                    ],
              ),
            ),
          ),
        ),
      ),
    );
  }

  private async add(generate: boolean): Promise<void> {
    this.error.textContent = '';
    const id = this.newId.value.trim();
    try {
      await api('POST', '/api/v1/prompts', { token: this.ctx.token(), body: { id, text: this.newText.value.trim() } });
      toast(`提示音 ${id} 已添加`);
      this.newId.value = '';
      this.newText.value = '';
      if (generate) await this.generate(id);
      else await this.load();
    } catch (error) {
      const { summary, problems } = problemsOf(error);
      this.error.textContent = problems.length ? problems.map((p) => `${p.field === '/id' ? '编号' : p.field === '/text' ? '内容' : p.field}：${p.message}`).join('\n') : summary;
    }
  }

  private async generate(id: string): Promise<void> {
    try {
      await api('POST', `/api/v1/prompts/${encodeURIComponent(id)}/generate`, { token: this.ctx.token() });
      toast(`提示音 ${id} 的语音已生成`);
    } catch (error) {
      toast(problemsOf(error).summary, 'error');
    }
    await this.load();
  }

  private async remove(prompt: CataloguePrompt): Promise<void> {
    if (!confirm(`确定删除提示音 ${prompt.id}？`)) return;
    try {
      await api('DELETE', `/api/v1/prompts/${encodeURIComponent(prompt.id)}`, { token: this.ctx.token() });
      toast(`已删除提示音 ${prompt.id}`);
    } catch (error) {
      toast(problemsOf(error).summary, 'error');
    }
    await this.load();
  }
}
