/**
 * 工单分类: the 诉求分类 tree (大类 > 小类 > 细类) — add, rename, move, disable or enable a node (a
 * disabled node is not offered for new tickets; tickets that have it keep it); the 承办单位 list; and
 * the centre's city, whose 区/县 and 乡镇/街道 the ticket form offers. Every change is audited by the API.
 */
import { api } from '../shared/api.js';
import { h, options, replace, toast } from '../shared/dom.js';
import type { Context } from './crud.js';
import { problemsOf } from './problems.js';

interface Matter {
  id: number;
  parentId: number | null;
  name: string;
  sortOrder: number;
  enabled: boolean;
}
interface Unit {
  id: number;
  name: string;
  enabled: boolean;
}
interface City {
  code: string | null;
  name: string | null;
  districts: number;
}

const MAX_DEPTH = 3;
const LEVEL_NAMES = ['大类', '小类', '细类'];

export class TicketMattersPanel {
  readonly element: HTMLElement;
  private matters: Matter[] = [];
  private readonly tree = h('div', { 'data-testid': 'matter-tree' });
  private readonly units = h('ul', { class: 'unit-list', 'data-testid': 'unit-list' });
  private readonly city = h('p', { 'data-testid': 'centre-city' });
  private readonly newRoot = h('input', { maxlength: 40, placeholder: '新大类名称，如 城市管理', 'data-testid': 'matter-new-root' });
  private readonly newUnit = h('input', { maxlength: 64, placeholder: '新承办单位名称', 'data-testid': 'unit-new' });
  private readonly cityCode = h('input', { maxlength: 4, inputmode: 'numeric', placeholder: '如 4115 或 50', 'data-testid': 'centre-city-code' });

  constructor(private readonly ctx: Context) {
    this.element = h(
      'div',
      { 'data-testid': 'ticket-matters' },
      h(
        'section',
        { class: 'card' },
        h('h2', null, '诉求分类'),
        h('p', { class: 'muted' }, `最多${MAX_DEPTH}级（大类 > 小类 > 细类）。坐席须选到最末一级；停用的分类不再供新工单选择，已有工单保留原分类。`),
        h('div', { class: 'actions' }, this.newRoot, h('button', { class: 'primary', 'data-testid': 'matter-add-root', onclick: () => void this.add(null, this.newRoot) }, '添加大类')),
        this.tree,
      ),
      h(
        'section',
        { class: 'card' },
        h('h2', null, '承办单位'),
        h('div', { class: 'actions' }, this.newUnit, h('button', { class: 'primary', 'data-testid': 'unit-add', onclick: () => void this.addUnit() }, '添加')),
        this.units,
      ),
      h(
        'section',
        { class: 'card' },
        h('h2', null, '本中心所在城市'),
        this.city,
        h('div', { class: 'actions' }, this.cityCode, h('button', { 'data-testid': 'centre-city-save', onclick: () => void this.saveCity() }, '设定')),
        h('p', { class: 'muted' }, '行政区划代码：地级市 4 位（如 4115 信阳市），直辖市用省级 2 位（如 50 重庆市）。'),
      ),
    );
  }

  async load(): Promise<void> {
    try {
      const token = this.ctx.token();
      const [matters, units, city] = await Promise.all([
        api<Matter[]>('GET', '/api/v1/ticket-matters', { token }),
        api<Unit[]>('GET', '/api/v1/handling-units', { token }),
        api<City>('GET', '/api/v1/centre-city', { token }),
      ]);
      this.matters = matters;
      this.renderTree();
      this.renderUnits(units);
      this.city.textContent = city.code ? `${city.name ?? ''}（${city.code}），${city.districts} 个区/县` : '尚未设定';
    } catch (error) {
      replace(this.tree, h('p', { class: 'form-error' }, `读取失败：${problemsOf(error).summary}`));
    }
  }

  private async change(method: string, path: string, body: unknown, done: string): Promise<boolean> {
    try {
      await api(method, path, { token: this.ctx.token(), body });
      toast(done);
      await this.load();
      return true;
    } catch (error) {
      toast(problemsOf(error).summary, 'error');
      return false;
    }
  }

  private childrenOf(parentId: number | null): Matter[] {
    return this.matters.filter((m) => m.parentId === parentId).sort((a, b) => a.sortOrder - b.sortOrder || a.id - b.id);
  }

  private depthOf(m: Matter): number {
    let depth = 1;
    for (let p = this.matters.find((x) => x.id === m.parentId); p; p = this.matters.find((x) => x.id === p?.parentId)) depth++;
    return depth;
  }

  private heightOf(m: Matter): number {
    return this.childrenOf(m.id).reduce((most, c) => Math.max(most, 1 + this.heightOf(c)), 0);
  }

  private pathOf(m: Matter): string {
    const names = [m.name];
    for (let p = this.matters.find((x) => x.id === m.parentId); p; p = this.matters.find((x) => x.id === p?.parentId)) names.unshift(p.name);
    return names.join(' > ');
  }

  private renderTree(): void {
    const list = (parentId: number | null, root: boolean): HTMLElement =>
      h(
        'ul',
        { class: root ? 'tree root' : 'tree' },
        this.childrenOf(parentId).map((m) => h('li', null, this.node(m), this.childrenOf(m.id).length ? list(m.id, false) : null)),
      );
    replace(this.tree, list(null, true));
  }

  private node(m: Matter): HTMLElement {
    const depth = this.depthOf(m);
    const name = h('input', { value: m.name, maxlength: 40, 'aria-label': `${m.name} 的名称`, 'data-testid': 'matter-name' });
    const child = h('input', { maxlength: 40, placeholder: `新${LEVEL_NAMES[depth] ?? ''}`, 'aria-label': `在 ${m.name} 下添加`, 'data-testid': 'matter-new-child' });
    // A node may move under any node that leaves the tree within three levels and is not itself or below it.
    const height = this.heightOf(m);
    const below = (x: Matter): boolean => x.id === m.id || (x.parentId !== null && below(this.matters.find((p) => p.id === x.parentId) ?? x));
    const parents = this.matters.filter((x) => !below(x) && this.depthOf(x) + 1 + height <= MAX_DEPTH && x.id !== m.parentId);
    const move = h(
      'select',
      { 'aria-label': `移动 ${m.name}`, 'data-testid': 'matter-move' },
      ...options([
        ['', '移动到…'],
        ...(m.parentId !== null && 1 + height <= MAX_DEPTH ? [['root', '（顶层大类）'] as [string, string]] : []),
        ...parents.map((p): [string, string] => [String(p.id), this.pathOf(p)]),
      ]),
    );
    move.addEventListener('change', () => {
      if (!move.value) return;
      void this.change('PATCH', `/api/v1/ticket-matters/${m.id}`, { parentId: move.value === 'root' ? null : Number(move.value) }, `已移动「${m.name}」`);
    });
    return h(
      'span',
      { class: `node matter-node${m.enabled ? '' : ' disabled'}`, 'data-testid': 'matter-node', 'data-name': m.name, 'data-enabled': String(m.enabled) },
      h('span', { class: 'tag' }, LEVEL_NAMES[depth - 1] ?? ''),
      name,
      h('button', { 'data-testid': 'matter-rename', onclick: () => void this.change('PATCH', `/api/v1/ticket-matters/${m.id}`, { name: name.value.trim() }, `已改名为「${name.value.trim()}」`) }, '改名'),
      h(
        'button',
        { 'data-testid': 'matter-toggle', onclick: () => void this.change('PATCH', `/api/v1/ticket-matters/${m.id}`, { enabled: !m.enabled }, `已${m.enabled ? '停用' : '启用'}「${m.name}」`) },
        m.enabled ? '停用' : '启用',
      ),
      m.enabled ? h('span', { class: 'tag tag-ok' }, '启用') : h('span', { class: 'tag tag-warn' }, '已停用'),
      move,
      depth < MAX_DEPTH ? [child, h('button', { 'data-testid': 'matter-add-child', onclick: () => void this.add(m.id, child) }, `添加${LEVEL_NAMES[depth] ?? ''}`)] : null,
    );
  }

  private async add(parentId: number | null, input: HTMLInputElement): Promise<void> {
    const name = input.value.trim();
    if (!name) return toast('请填写分类名称', 'error');
    if (await this.change('POST', '/api/v1/ticket-matters', { parentId, name, sortOrder: this.childrenOf(parentId).length }, `已添加「${name}」`)) input.value = '';
  }

  private renderUnits(units: Unit[]): void {
    replace(
      this.units,
      units.map((u) => {
        const name = h('input', { value: u.name, maxlength: 64, 'aria-label': `${u.name} 的名称` });
        return h(
          'li',
          { 'data-testid': 'unit', 'data-name': u.name, 'data-enabled': String(u.enabled) },
          name,
          h('button', { onclick: () => void this.change('PATCH', `/api/v1/handling-units/${u.id}`, { name: name.value.trim() }, '已改名') }, '改名'),
          h('button', { 'data-testid': 'unit-toggle', onclick: () => void this.change('PATCH', `/api/v1/handling-units/${u.id}`, { enabled: !u.enabled }, `已${u.enabled ? '停用' : '启用'}「${u.name}」`) }, u.enabled ? '停用' : '启用'),
          u.enabled ? null : h('span', { class: 'tag tag-warn' }, '已停用'),
        );
      }),
    );
  }

  private async addUnit(): Promise<void> {
    const name = this.newUnit.value.trim();
    if (!name) return toast('请填写承办单位名称', 'error');
    if (await this.change('POST', '/api/v1/handling-units', { name }, `已添加「${name}」`)) this.newUnit.value = '';
  }

  private async saveCity(): Promise<void> {
    await this.change('PUT', '/api/v1/centre-city', { code: this.cityCode.value.trim() }, '已设定本中心所在城市');
  }
}
