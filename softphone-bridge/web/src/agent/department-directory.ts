/**
 * 部门通讯录: the department contacts and sub-centres one click away — during a call 转接 (blind) or
 * 三方 with the contact, when idle 拨打 (外呼). Buttons follow the server's `allowed` list.
 *
 * A sub-centre shows only the way its transfer mode allows (its label says which, e.g. （三方）): a
 * three-way one has no 转接 button rather than a 转接 that quietly starts a three-way call, since an
 * agent who presses 转接 expects to be released, and a 三方 call keeps them on the line.
 */
import { h, replace } from '../shared/dom.js';
import { callCommand, command } from './desk-socket.js';
import { isAllowed } from './desk-state.js';
import type { HandOver, TargetChoice } from './directory.js';
import type { TargetPicker } from './target-picker.js';

export class DepartmentDirectory {
  readonly element = h('section', { class: 'card directory', 'data-testid': 'department-directory', 'aria-label': '部门通讯录' });
  private readonly buttons: { button: HTMLButtonElement; type: string }[] = [];

  constructor(private readonly picker: TargetPicker) {}

  /** Rebuilds the list (after the lists were loaded). */
  build(): void {
    this.buttons.length = 0;
    const entries = this.picker.all.filter((l) => l.kind === 'contact' || l.kind === 'subcentre').flatMap((l) => l.choices);
    replace(
      this.element,
      h('h2', null, '部门通讯录'),
      entries.length === 0
        ? h('p', { class: 'muted' }, '通讯录为空')
        : h('ul', { class: 'directory-list' }, entries.map((entry, index) => this.row(entry, index))),
    );
    this.render();
  }

  render(): void {
    for (const { button, type } of this.buttons) button.disabled = !isAllowed(type);
  }

  private row(entry: TargetChoice, index: number): HTMLElement {
    const make = (label: string, type: string, action: () => unknown, cls = 'small') => {
      const button = h('button', { type: 'button', class: cls, 'data-testid': `dir-${type.replace('call.', '')}-${index}`, onclick: () => void action() }, label);
      this.buttons.push({ button, type });
      return button;
    };
    const takes = (way: HandOver) => entry.ways?.includes(way) ?? true;
    return h(
      'li',
      null,
      h('span', { class: 'directory-name', title: entry.hint }, entry.label, entry.number ? h('span', { class: 'muted' }, ` ${entry.number}`) : null),
      h(
        'span',
        { class: 'directory-actions' },
        takes('blind') ? make('转接', 'call.transfer', () => callCommand('call.transfer', { target: entry.target, mode: 'blind' }, `正在转接至 ${entry.label}`)) : null,
        takes('conference') ? make('三方', 'call.conference', () => callCommand('call.conference', { target: entry.target }, `${entry.label} 已加入三方通话`)) : null,
        entry.number ? make('拨打', 'call.dial', () => command('call.dial', { number: entry.number }, `正在外呼 ${entry.label}，请接听话机`)) : null,
      ),
    );
  }
}
