/**
 * Keyboard shortcuts of the desk: Alt + a letter for every call-bar action, Ctrl+S (or Alt+S) to save
 * the ticket, digits to the open keypad. They press the same buttons a click would, so a shortcut
 * does nothing a disabled button would not. `SHORTCUTS` is also the list shown on the page.
 */
import { h } from '../shared/dom.js';

export interface Shortcut {
  /** `KeyboardEvent.code` (layout- and IME-independent), e.g. `KeyH`. */
  code: string;
  keys: string;
  label: string;
  /** The test id of the button it presses. */
  testid: string;
}

export const SHORTCUTS: Shortcut[] = [
  { code: 'KeyH', keys: 'Alt+H', label: '挂断 / 拒接', testid: 'btn-hangup' },
  { code: 'KeyB', keys: 'Alt+B', label: '保持 / 恢复', testid: 'btn-hold' },
  { code: 'KeyM', keys: 'Alt+M', label: '静音 / 取消静音', testid: 'btn-mute' },
  { code: 'KeyK', keys: 'Alt+K', label: '拨号盘', testid: 'btn-keypad' },
  { code: 'KeyT', keys: 'Alt+T', label: '转接', testid: 'btn-transfer-blind' },
  { code: 'KeyC', keys: 'Alt+C', label: '咨询转接', testid: 'btn-transfer-attended' },
  { code: 'KeyF', keys: 'Alt+F', label: '完成转接', testid: 'btn-transfer-complete' },
  { code: 'KeyX', keys: 'Alt+X', label: '取消转接', testid: 'btn-transfer-cancel' },
  { code: 'KeyG', keys: 'Alt+G', label: '三方通话', testid: 'btn-conference' },
  { code: 'KeyD', keys: 'Alt+D', label: '外呼（输入号码）', testid: 'dial-number' },
  { code: 'KeyR', keys: 'Alt+R', label: '示闲', testid: 'btn-ready' },
  { code: 'KeyN', keys: 'Alt+N', label: '示忙', testid: 'btn-not-ready' },
  { code: 'KeyE', keys: 'Alt+E', label: '延长话后整理', testid: 'btn-extend-wrap-up' },
  { code: 'KeyS', keys: 'Ctrl+S', label: '保存工单', testid: 'ticket-save' },
];

/** The hint a button shows on hover, e.g. `快捷键 Alt+H`. */
export function shortcutHint(testid: string): string | null {
  const shortcut = SHORTCUTS.find((s) => s.testid === testid);
  return shortcut ? `快捷键 ${shortcut.keys}` : null;
}

export interface ShortcutActions {
  /** Presses the bar's button with this test id; false when it is disabled or absent. */
  press(testid: string): boolean;
  focusDial(): void;
  keypadDigit(digit: string): boolean;
}

/** Saves the ticket form on the desk, whichever panel holds it. */
function saveTicket(): void {
  const form = document.querySelector<HTMLFormElement>("[data-testid='ticket-form']");
  const save = document.querySelector<HTMLButtonElement>("[data-testid='ticket-save']");
  if (form && save && !save.disabled) form.requestSubmit(save);
}

export function installShortcuts(actions: ShortcutActions): () => void {
  const onKey = (event: KeyboardEvent) => {
    if ((event.ctrlKey || event.metaKey || event.altKey) && event.code === 'KeyS') {
      event.preventDefault();
      saveTicket();
      return;
    }
    if (!event.altKey && !event.ctrlKey && !event.metaKey && /^[0-9*#]$/.test(event.key) && !(event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement)) {
      if (actions.keypadDigit(event.key)) event.preventDefault();
      return;
    }
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    const shortcut = SHORTCUTS.find((s) => s.code === event.code);
    if (!shortcut) return;
    event.preventDefault();
    if (shortcut.testid === 'dial-number') return actions.focusDial();
    // 保持 and 恢复 share a key: whichever of the two the call allows.
    if (shortcut.testid === 'btn-hold' && actions.press('btn-hold')) return;
    if (shortcut.testid === 'btn-hold') {
      actions.press('btn-resume');
      return;
    }
    actions.press(shortcut.testid);
  };
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}

/** The list of shortcuts shown on the desk. */
export function shortcutList(): HTMLElement {
  return h(
    'details',
    { class: 'shortcuts', 'data-testid': 'shortcut-list', open: true },
    h('summary', null, '快捷键'),
    h(
      'dl',
      null,
      SHORTCUTS.flatMap((s) => [h('dt', null, h('kbd', null, s.keys)), h('dd', null, s.label)]),
      h('dt', null, h('kbd', null, '0–9 * #')),
      h('dd', null, '拨号盘打开时发送按键'),
    ),
  );
}
