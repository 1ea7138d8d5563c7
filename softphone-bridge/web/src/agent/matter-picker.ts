/**
 * 诉求分类: the category tree as up to three linked selects (大类 → 小类 → 细类). Only the last level of a
 * branch is a complete choice; a ticket whose node has since been disabled shows its saved path.
 */
import { h, options, replace } from '../shared/dom.js';

export interface MatterNode {
  id: number;
  parentId: number | null;
  name: string;
}

const LEVELS = ['大类', '小类', '细类'];

export class MatterPicker {
  readonly element: HTMLElement;
  private nodes: MatterNode[] = [];
  private readonly selects = LEVELS.map((level, i) => h('select', { 'aria-label': `诉求分类${level}`, 'data-testid': `ticket-matter-${i + 1}` }));
  private readonly saved = h('span', { class: 'muted', 'data-testid': 'ticket-matter-saved' });
  /** A saved node no longer offered (disabled): kept until the agent chooses another. */
  private kept: { id: number; path: string } | null = null;

  constructor() {
    this.selects.forEach((select, i) =>
      select.addEventListener('change', () => {
        this.kept = null;
        this.render(i + 1);
      }),
    );
    this.element = h('div', { class: 'matter-picker row' }, ...this.selects, this.saved);
  }

  setNodes(nodes: MatterNode[]): void {
    this.nodes = nodes;
    this.render(0);
  }

  private children(parentId: number | null): MatterNode[] {
    return this.nodes.filter((n) => n.parentId === parentId);
  }

  /** Refills the levels from `from` down, keeping the choices above it. */
  private render(from: number): void {
    this.saved.textContent = this.kept ? `原分类：${this.kept.path}（已停用，可保留或重新选择）` : '';
    for (let i = from; i < this.selects.length; i++) {
      const select = this.selects[i];
      if (!select) continue;
      const parent = i === 0 ? null : Number(this.selects[i - 1]?.value || NaN);
      const kids = i === 0 || Number.isFinite(parent) ? this.children(i === 0 ? null : parent) : [];
      replace(select, ...options([['', kids.length ? `请选择${LEVELS[i] ?? ''}` : '—'], ...kids.map((n): [string, string] => [String(n.id), n.name])]));
      select.hidden = i > 0 && kids.length === 0;
    }
  }

  /** Shows a saved choice: its branch in the selects, or the saved path when the node is no longer offered. */
  select(id: number | null, savedPath: string | null): void {
    this.kept = id !== null && savedPath && !this.nodes.some((n) => n.id === id) ? { id, path: savedPath } : null;
    const line: MatterNode[] = [];
    for (let node = this.nodes.find((n) => n.id === id); node; node = this.nodes.find((n) => n.id === node?.parentId)) line.unshift(node);
    this.render(0);
    line.forEach((node, i) => {
      const select = this.selects[i];
      if (select) select.value = String(node.id);
      this.render(i + 1);
    });
  }

  /** The chosen node when it is a last level, else null. */
  leaf(): number | null {
    if (this.kept) return this.kept.id;
    const chosen = [...this.selects].reverse().find((s) => !s.hidden && s.value);
    if (!chosen) return null;
    const id = Number(chosen.value);
    return this.children(id).length === 0 ? id : null;
  }

  /** The chosen path as text, e.g. `城乡建设 > 物业管理 > 物业服务收费` ('' when nothing is chosen). */
  path(): string {
    if (this.kept) return this.kept.path;
    return this.selects
      .filter((s) => !s.hidden && s.value)
      .map((s) => this.nodes.find((n) => String(n.id) === s.value)?.name ?? '')
      .join(' > ');
  }
}
