/**
 * The transfer target the call bar's 转接 / 咨询转接 / 三方 buttons act on: a kind (坐席, 技能组,
 * 专家座席, 承办单位联系人, 分中心, 紧急热线) and a choice in it, kept across re-renders and refreshed
 * lists. The lists come from directory.ts.
 */
import { h, options, replace } from '../shared/dom.js';
import { describeTarget, type HandOver, type Target, type TargetChoice, type TargetList } from './directory.js';

export class TargetPicker {
  readonly kind = h('select', { 'data-testid': 'target-kind', 'aria-label': '转接对象类型' });
  readonly target = h('select', { 'data-testid': 'target', 'aria-label': '转接目标' });
  readonly hint = h('span', { class: 'muted small-text', 'data-testid': 'target-hint' });
  private lists: TargetList[] = [];
  private pickKind = 'contact';
  private pickIndex = '0';
  private readonly listeners = new Set<() => void>();

  constructor() {
    this.kind.addEventListener('change', () => {
      this.pickKind = this.kind.value;
      this.pickIndex = '0';
      this.fill();
    });
    this.target.addEventListener('change', () => {
      this.pickIndex = this.target.value;
      this.showHint();
      this.changed();
    });
  }

  /** Called whenever the pick changes (the bar enables its buttons by it). */
  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  setLists(lists: TargetList[]): void {
    this.lists = lists;
    replace(this.kind, ...options(lists.map((l) => [l.kind, l.label]), this.pickKind));
    if (!lists.some((l) => l.kind === this.pickKind) && lists[0]) this.pickKind = lists[0].kind;
    this.kind.value = this.pickKind;
    this.fill();
  }

  get all(): TargetList[] {
    return this.lists;
  }

  /** The picked target, or null when the list is empty. */
  picked(): Target | null {
    return this.pickedChoice()?.target ?? null;
  }

  /** Whether the picked target may be handed the caller this way (a queue only by 转接, a sub-centre by its mode). */
  allows(way: HandOver): boolean {
    const choice = this.pickedChoice();
    return choice !== undefined && (choice.ways?.includes(way) ?? true);
  }

  private pickedChoice(): TargetChoice | undefined {
    return this.current()?.choices[Number(this.pickIndex)];
  }

  /** Picks a target of the lists (e.g. from the directory's one-click buttons). */
  pick(target: Target): void {
    const list = this.lists.find((l) => l.kind === target.kind);
    const index = list?.choices.findIndex((c) => JSON.stringify(c.target) === JSON.stringify(target)) ?? -1;
    if (!list || index < 0) return;
    this.pickKind = list.kind;
    this.pickIndex = String(index);
    this.kind.value = list.kind;
    this.fill();
  }

  describe(target: unknown): string {
    return describeTarget(target, this.lists);
  }

  private current(): TargetList | undefined {
    return this.lists.find((l) => l.kind === this.pickKind);
  }

  private fill(): void {
    const list = this.current();
    replace(this.target, ...options((list?.choices ?? []).map((choice, index) => [String(index), choice.label]), this.pickIndex));
    this.showHint();
    this.changed();
  }

  private showHint(): void {
    const list = this.current();
    this.hint.textContent = list?.unavailable ?? (list && list.choices.length === 0 ? '列表为空' : (this.pickedChoice()?.hint ?? ''));
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
