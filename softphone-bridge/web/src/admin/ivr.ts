/**
 * IVR menus: the stored menus as a tree (keys → actions, sub-menus opened in place), and a form for
 * one menu (ivr-form.ts) whose tree updates as it is filled. The API checks the menu together with
 * all the others and answers problems with paths (`/options/4/skill`, `/onFailure` …): each is shown
 * on the node it names, with the field's name in words.
 */
import { api } from '../shared/api.js';
import { h, replace, str, toast } from '../shared/dom.js';
import { ivrAction } from '../shared/labels.js';
import type { Context, Row } from './crud.js';
import { MenuForm } from './ivr-form.js';
import { problemsOf, type Problem } from './problems.js';

type Json = Record<string, unknown>;

const TEMPLATE = {
  code: '',
  name: '',
  prompts: [],
  timeoutSeconds: 5,
  retries: 2,
  invalidPrompt: 'invalid-input',
  options: { '0': { type: 'queue', skill: 'general' } },
  onFailure: { type: 'queue', skill: 'general' },
};

/** A problem's path in words: `/options/2/skill` → 按键 2 的技能组. */
function fieldName(path: string): string {
  const parts = path.split('/').filter(Boolean);
  const names: Record<string, string> = {
    code: '菜单编码',
    name: '菜单名称',
    prompts: '提示音',
    timeoutSeconds: '等待按键秒数',
    retries: '重播次数',
    invalidPrompt: '按错提示音',
    skill: '技能组',
    menu: '子菜单',
    target: '转接号码',
    type: '动作',
  };
  const words: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part === 'options') {
      words.push(parts[i + 1] === undefined ? '按键' : `按键 ${parts[i + 1]}`);
      i++;
    } else if (part === 'onFailure') words.push('失败后动作');
    else if (/^\d+$/.test(part)) words.push(`第 ${Number(part) + 1} 个`);
    else words.push(names[part] ?? part);
  }
  return words.join(' 的 ') || '菜单';
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where a problem's path lands in the tree: the node keys used below. */
function nodeOf(path: string): string {
  const [first, second] = path.split('/').filter(Boolean);
  if (!first || first === 'code' || first === 'name') return 'root';
  if (first === 'prompts') return 'prompts';
  if (first === 'timeoutSeconds' || first === 'retries' || first === 'invalidPrompt') return 'settings';
  if (first === 'options') return second === undefined ? 'options' : `option:${second}`;
  if (first === 'onFailure') return 'onFailure';
  return 'root';
}

export class IvrPanel {
  readonly element: HTMLElement;
  private menus: Row[] = [];
  private editing: Row | null = null;
  private problems: Problem[] = [];
  private readonly list = h('div');
  private readonly title = h('h3');
  private readonly form: MenuForm;
  private readonly tree = h('div', { 'data-testid': 'menu-tree' });
  private readonly summary = h('p', { class: 'form-error', 'data-testid': 'menu-error' });
  private readonly save = h('button', { class: 'primary', 'data-testid': 'menu-save' }, '保存菜单');

  constructor(
    private readonly ctx: Context,
    private readonly onChange: (menus: Row[]) => void,
    prompts: () => { id: string; text: string }[],
  ) {
    this.form = new MenuForm({ prompts, skills: () => ctx.skills(), menus: () => this.menus }, () => {
      this.problems = [];
      this.summary.textContent = '';
      this.renderTree();
    });
    this.save.addEventListener('click', () => void this.submit());
    this.element = h(
      'section',
      { class: 'card', 'data-testid': 'panel-menus' },
      h('h2', null, 'IVR 菜单', h('button', { class: 'small', onclick: () => this.edit(null) }, '新建菜单')),
      h('p', { class: 'muted' }, '按键菜单以树形展示；子菜单在原处展开。保存时服务器会与其他菜单一起校验，问题显示在对应的节点上。'),
      this.list,
      h(
        'div',
        { class: 'desk' },
        h('div', null, this.title, this.form.element, h('div', { class: 'actions' }, this.save)),
        h('div', null, h('h3', null, '菜单结构'), this.summary, this.tree),
      ),
    );
    this.edit(null);
  }

  async load(): Promise<void> {
    try {
      this.menus = await api<Row[]>('GET', '/api/v1/menus', { token: this.ctx.token() });
      this.onChange(this.menus);
    } catch (error) {
      replace(this.list, h('p', { class: 'form-error' }, `读取失败：${problemsOf(error).summary}`));
      return;
    }
    replace(
      this.list,
      h(
        'table',
        { class: 'table' },
        h('thead', null, h('tr', null, h('th', null, '编码'), h('th', null, '名称'), h('th', null, '使用的热线'), h('th', null, '操作'))),
        h(
          'tbody',
          null,
          this.menus.map((m) =>
            h(
              'tr',
              { 'data-row': String(m.code) },
              h('td', null, String(m.code)),
              h('td', null, String(m.name)),
              h('td', null, Array.isArray(m.usedByRoutes) && m.usedByRoutes.length ? m.usedByRoutes.join('、') : h('span', { class: 'muted' }, '未使用')),
              h(
                'td',
                { class: 'nowrap' },
                h('button', { class: 'small', onclick: () => this.edit(m) }, '编辑'),
                ' ',
                h('button', { class: 'small danger', onclick: () => void this.remove(m) }, '删除'),
              ),
            ),
          ),
        ),
      ),
    );
    this.renderTree();
  }

  edit(menu: Row | null): void {
    this.editing = menu;
    this.problems = [];
    this.summary.textContent = '';
    this.title.textContent = menu ? `编辑菜单 ${String(menu.code)}` : '新建菜单';
    this.form.set(menu && isObject(menu.definition) ? menu.definition : TEMPLATE);
    this.renderTree();
  }

  private stored(code: string): Json | undefined {
    const row = this.menus.find((m) => m.code === code);
    return row && isObject(row.definition) ? row.definition : undefined;
  }

  private renderTree(): void {
    const draft = this.form.value();
    const code = isObject(draft) && typeof draft.code === 'string' ? draft.code : '';
    const mine = this.problems.filter((p) => !p.menu || p.menu === code);
    const others = this.problems.filter((p) => p.menu && p.menu !== code);
    replace(
      this.tree,
      h('ul', { class: 'tree root' }, this.menuNode(draft, mine, new Set())),
      others.length
        ? h('div', null, h('h3', null, '其他菜单的问题'), h('ul', null, others.map((p) => h('li', { class: 'form-error' }, `菜单 ${p.menu ?? ''} ${fieldName(p.field)}：${p.message}`))))
        : null,
    );
  }

  /** One menu and, below it, its keys; `problems` are this menu's (empty for sub-menus shown read-only). */
  private menuNode(menu: unknown, problems: Problem[], seen: Set<string>): HTMLElement {
    const at = (key: string) => problems.filter((p) => nodeOf(p.field) === key);
    const item = (key: string, content: (Node | string)[], children?: HTMLElement | null) => {
      const found = at(key);
      return h(
        'li',
        { class: found.length ? 'has-problem' : '', 'data-node': key },
        h('span', { class: 'node' }, ...content),
        found.map((p) => h('span', { class: 'problem', 'data-testid': 'tree-problem', 'data-path': p.field }, `${fieldName(p.field)}：${p.message}`)),
        children ?? null,
      );
    };
    if (!isObject(menu)) return item('root', ['（不是有效的菜单定义）']);
    const code = typeof menu.code === 'string' && menu.code ? menu.code : '（未填编码）';
    seen = new Set(seen).add(code);
    const options = isObject(menu.options) ? Object.entries(menu.options).sort(([a], [b]) => a.localeCompare(b)) : [];
    const keyed = new Set(options.map(([k]) => `option:${k}`));
    // Problems about keys that are not there (e.g. an option the schema refused) still show, on the options node.
    const stray = problems.filter((p) => nodeOf(p.field).startsWith('option:') && !keyed.has(nodeOf(p.field)));
    const children = h(
      'ul',
      { class: 'tree' },
      item('prompts', ['提示音：', Array.isArray(menu.prompts) && menu.prompts.length ? menu.prompts.join('、') : '（未选择）']),
      item('settings', [`等待按键 ${str(menu.timeoutSeconds) || '—'} 秒 · 重试 ${str(menu.retries) || '—'} 次 · 按错提示 ${str(menu.invalidPrompt) || '（未选择）'}`]),
      options.length === 0 ? item('options', [h('span', { class: 'muted' }, '（没有按键选项）')]) : null,
      ...options.map(([key, action]) => item(`option:${key}`, [h('span', { class: 'key' }, key), ...this.actionText(action)], this.submenu(action, seen))),
      stray.length ? h('li', { class: 'has-problem' }, stray.map((p) => h('span', { class: 'problem', 'data-testid': 'tree-problem', 'data-path': p.field }, `${fieldName(p.field)}：${p.message}`))) : null,
      item('onFailure', [h('span', { class: 'key', style: 'background:#8a5a00' }, '×'), '多次按错或超时 → ', ...this.actionText(menu.onFailure)], this.submenu(menu.onFailure, seen)),
    );
    return item('root', [h('strong', null, `菜单 ${code}`), ` ${typeof menu.name === 'string' ? menu.name : ''}`], children);
  }

  private actionText(action: unknown): (Node | string)[] {
    if (!isObject(action)) return [h('span', { class: 'muted' }, '（未设置）')];
    const type = String(action.type);
    const label = ivrAction(type);
    switch (type) {
      case 'queue': {
        if (!action.skill) return [`${label} → `, h('span', { class: 'muted' }, '（未选择技能组）')];
        const skill = this.ctx.skills().find((s) => s.code === action.skill);
        return [`${label} → `, h('span', { class: 'tag' }, skill ? `${String(skill.name)}（${str(action.skill)}）` : str(action.skill))];
      }
      case 'menu':
        return [`${label} → `, action.menu ? h('span', { class: 'tag' }, str(action.menu)) : h('span', { class: 'muted' }, '（未选择子菜单）')];
      case 'transfer':
        return [`${label} → `, action.target ? h('span', { class: 'tag' }, str(action.target)) : h('span', { class: 'muted' }, '（未填转接号码）')];
      case 'play':
        return [`${label}：`, Array.isArray(action.prompts) && action.prompts.length ? action.prompts.join('、') : '（未选择提示音）'];
      default:
        return [label];
    }
  }

  /** A sub-menu's tree under the key that opens it (stored version; once per branch, so loops end). */
  private submenu(action: unknown, seen: Set<string>): HTMLElement | null {
    if (!isObject(action) || action.type !== 'menu' || typeof action.menu !== 'string') return null;
    if (seen.has(action.menu)) return h('ul', { class: 'tree' }, h('li', { class: 'muted' }, `↻ 回到菜单 ${action.menu}`));
    const sub = this.stored(action.menu);
    if (!sub) return null;
    return h('ul', { class: 'tree' }, this.menuNode(sub, [], seen));
  }

  private async submit(): Promise<void> {
    const body = this.form.value();
    try {
      const saved = this.editing
        ? await api<Row>('PUT', `/api/v1/menus/${String(this.editing.id)}`, { token: this.ctx.token(), body })
        : await api<Row>('POST', '/api/v1/menus', { token: this.ctx.token(), body });
      toast(`菜单 ${String(saved.code)} 已保存`);
      await this.load();
      this.edit(this.menus.find((m) => m.id === saved.id) ?? null);
    } catch (error) {
      const { summary, problems } = problemsOf(error);
      this.problems = problems;
      this.summary.textContent = problems.length ? `${summary}：共 ${problems.length} 处问题，已标在下方菜单结构中` : summary;
      this.renderTree();
    }
  }

  private async remove(menu: Row): Promise<void> {
    if (!confirm(`确定删除菜单 ${String(menu.code)}？`)) return;
    try {
      await api('DELETE', `/api/v1/menus/${String(menu.id)}`, { token: this.ctx.token() });
      toast(`已删除菜单 ${String(menu.code)}`);
      if (this.editing?.id === menu.id) this.edit(null);
      await this.load();
    } catch (error) {
      toast(problemsOf(error).summary, 'error');
    }
  }
}
