/**
 * 部门通讯录: the department contacts and sub-centres one click away — during a call 转接 (blind) or
 * 三方 with the contact, when idle 拨打 (外呼). Buttons follow the server's `allowed` list.
 */
import { h, replace } from '../shared/dom.js';
import { callCommand, command } from './desk-socket.js';
import { isAllowed } from './desk-state.js';
import type { TargetChoice } from './directory.js';
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
    return h(
      'li',
      null,
      h('span', { class: 'directory-name' }, entry.label, entry.number ? h('span', { class: 'muted' }, ` ${entry.number}`) : null),
      h(
        'span',
        { class: 'directory-actions' },
        make('转接', 'call.transfer', () => callCommand('call.transfer', { target: entry.target, mode: 'blind' }, `正在转接至 ${entry.label}`)),
        make('三方', 'call.conference', () => callCommand('call.conference', { target: entry.target }, `${entry.label} 已加入三方通话`)),
        entry.number ? make('拨打', 'call.dial', () => command('call.dial', { number: entry.number }, `正在外呼 ${entry.label}，请接听话机`)) : null,
      ),
    );
  }
}
