/**
 * An IVR menu as a form, not JSON: code and name, the prompts played (picked from the prompt
 * catalogue, in order), how long to wait for a key and how often to offer the menu again, then one
 * row per key with its action and target, and what happens after too many failures. `value()` is the
 * menu definition the API takes; every change calls `onInput` so the tree preview follows.
 */
import { h, options, replace, str } from '../shared/dom.js';
import { IVR_ACTIONS } from '../shared/labels.js';
import type { Row } from './crud.js';

type Json = Record<string, unknown>;

export interface MenuFormSources {
  prompts: () => { id: string; text: string }[];
  skills: () => Row[];
  menus: () => Row[];
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '*', '#'];
const ACTION_TYPES = ['queue', 'menu', 'transfer', 'progress-query', 'play'];
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** An ordered list of catalogue prompts: a select per prompt, add and remove. */
class PromptList {
  readonly element = h('div', { class: 'prompt-list' });
  private ids: string[] = [];

  constructor(
    private readonly sources: MenuFormSources,
    private readonly onInput: () => void,
    private readonly testid: string,
  ) {
    this.element.dataset.testid = testid;
  }

  set(ids: string[]): void {
    this.ids = [...ids];
    this.render();
  }

  value(): string[] {
    return this.ids.filter(Boolean);
  }

  private render(): void {
    const choices = (current: string): [string, string][] => {
      const known = this.sources.prompts().map((p): [string, string] => [p.id, `${p.id}：${p.text.length > 20 ? `${p.text.slice(0, 20)}…` : p.text}`]);
      // A stored prompt no longer in the catalogue stays visible (and the server names it as the problem).
      return [['', '请选择提示音'], ...(current && !known.some(([id]) => id === current) ? [[current, `${current}（不在目录中）`] as [string, string]] : []), ...known];
    };
    replace(
      this.element,
      ...this.ids.map((id, index) =>
        h(
          'div',
          { class: 'prompt-item' },
          h(
            'select',
            {
              'data-testid': `${this.testid}-${index}`,
              onchange: (event: Event) => {
                this.ids[index] = (event.target as HTMLSelectElement).value;
                this.onInput();
              },
            },
            ...options(choices(id), id),
          ),
          h('button', { type: 'button', class: 'small ghost', title: '移除', onclick: () => this.remove(index) }, '移除'),
        ),
      ),
      h('button', { type: 'button', class: 'small', 'data-testid': `${this.testid}-add`, onclick: () => this.add() }, '添加提示音'),
    );
  }

  private add(): void {
    this.ids.push('');
    this.render();
    this.onInput();
  }

  private remove(index: number): void {
    this.ids.splice(index, 1);
    this.render();
    this.onInput();
  }
}

/** One action: its type, and the target the type needs. */
class ActionEditor {
  readonly element = h('div', { class: 'action-editor' });
  private type = 'queue';
  private target = '';
  private readonly prompts: PromptList;

  constructor(
    private readonly sources: MenuFormSources,
    private readonly onInput: () => void,
    testid: string,
  ) {
    this.element.dataset.testid = testid;
    this.prompts = new PromptList(sources, onInput, `${testid}-prompts`);
  }

  set(action: unknown): void {
    const a = isObject(action) ? action : {};
    this.type = typeof a.type === 'string' && ACTION_TYPES.includes(a.type) ? a.type : 'queue';
    this.target = str(a.skill ?? a.menu ?? a.target ?? '');
    this.prompts.set(strings(a.prompts));
    this.render();
  }

  value(): Json {
    switch (this.type) {
      case 'queue':
        return { type: 'queue', skill: this.target };
      case 'menu':
        return { type: 'menu', menu: this.target };
      case 'transfer':
        return { type: 'transfer', target: this.target.trim() };
      case 'play':
        return { type: 'play', prompts: this.prompts.value() };
      default:
        return { type: this.type };
    }
  }

  private render(): void {
    const typeSelect = h(
      'select',
      {
        'data-testid': 'action-type',
        onchange: (event: Event) => {
          this.type = (event.target as HTMLSelectElement).value;
          this.target = '';
          this.render();
          this.onInput();
        },
      },
      ...options(ACTION_TYPES.map((t): [string, string] => [t, IVR_ACTIONS[t] ?? t]), this.type),
    );
    const setTarget = (event: Event) => {
      this.target = (event.target as HTMLInputElement | HTMLSelectElement).value;
      this.onInput();
    };
    let target: HTMLElement | null = null;
    if (this.type === 'queue') {
      const skills = this.sources.skills().map((s): [string, string] => [String(s.code), `${String(s.name)}（${String(s.code)}）`]);
      target = h('select', { 'data-testid': 'action-skill', onchange: setTarget }, ...options([['', '请选择技能组'], ...skills], this.target));
    } else if (this.type === 'menu') {
      const menus = this.sources.menus().map((m): [string, string] => [String(m.code), `${String(m.code)} ${String(m.name)}`]);
      target = h('select', { 'data-testid': 'action-menu', onchange: setTarget }, ...options([['', '请选择子菜单'], ...menus], this.target));
    } else if (this.type === 'transfer') {
      target = h('input', { 'data-testid': 'action-target', value: this.target, placeholder: '拨号串，如 PJSIP/12366@trunk', oninput: setTarget });
    } else if (this.type === 'play') {
      target = this.prompts.element;
    }
    replace(this.element, typeSelect, target);
  }
}

export class MenuForm {
  readonly element: HTMLElement;
  private readonly code = h('input', { 'data-testid': 'menu-code', maxlength: 32, placeholder: '如 eco，小写字母、数字、连字符' });
  private readonly name = h('input', { 'data-testid': 'menu-name', maxlength: 64, placeholder: '如 环保热线菜单' });
  private readonly timeout = h('input', { 'data-testid': 'menu-timeout', type: 'number', min: 1, max: 30 });
  private readonly retries = h('input', { 'data-testid': 'menu-retries', type: 'number', min: 0, max: 5 });
  private readonly invalidPrompt = h('select', { 'data-testid': 'menu-invalid-prompt' });
  private readonly prompts: PromptList;
  private readonly onFailure: ActionEditor;
  private readonly rows = h('tbody');
  private options: { key: string; action: ActionEditor }[] = [];
  private invalidPromptId = '';

  constructor(
    private readonly sources: MenuFormSources,
    private readonly onInput: () => void,
  ) {
    this.prompts = new PromptList(sources, onInput, 'menu-prompts');
    this.onFailure = new ActionEditor(sources, onInput, 'menu-on-failure');
    for (const input of [this.code, this.name, this.timeout, this.retries]) input.addEventListener('input', onInput);
    this.invalidPrompt.addEventListener('change', () => {
      this.invalidPromptId = this.invalidPrompt.value;
      onInput();
    });
    this.element = h(
      'div',
      { class: 'menu-form', 'data-testid': 'menu-form' },
      h('div', { class: 'row' }, h('label', null, '菜单编码', this.code), h('label', null, '菜单名称', this.name)),
      h('label', null, '菜单提示音（依次播放）', this.prompts.element),
      h(
        'div',
        { class: 'row' },
        h('label', null, '等待按键（秒）', this.timeout),
        h('label', null, '按错或超时后重播（次）', this.retries),
        h('label', null, '按错提示音', this.invalidPrompt),
      ),
      h('h4', null, '按键'),
      h('table', { class: 'table' }, h('thead', null, h('tr', null, h('th', null, '按键'), h('th', null, '动作与目标'), h('th', null, ''))), this.rows),
      h('button', { type: 'button', class: 'small', 'data-testid': 'menu-add-option', onclick: () => this.addOption() }, '添加按键'),
      h('h4', null, '多次按错或超时后'),
      this.onFailure.element,
    );
  }

  set(menu: Json): void {
    this.code.value = typeof menu.code === 'string' ? menu.code : '';
    this.name.value = typeof menu.name === 'string' ? menu.name : '';
    this.timeout.value = str(menu.timeoutSeconds ?? 5);
    this.retries.value = str(menu.retries ?? 2);
    this.invalidPromptId = typeof menu.invalidPrompt === 'string' ? menu.invalidPrompt : '';
    this.prompts.set(strings(menu.prompts));
    this.options = Object.entries(isObject(menu.options) ? menu.options : {})
      .sort(([a], [b]) => KEYS.indexOf(a) - KEYS.indexOf(b))
      .map(([key, action]) => this.optionRow(key, action));
    this.onFailure.set(menu.onFailure);
    this.render();
  }

  value(): Json {
    return {
      code: this.code.value.trim(),
      name: this.name.value.trim(),
      prompts: this.prompts.value(),
      timeoutSeconds: Number(this.timeout.value),
      retries: Number(this.retries.value),
      invalidPrompt: this.invalidPromptId,
      options: Object.fromEntries(this.options.map((o) => [o.key, o.action.value()])),
      onFailure: this.onFailure.value(),
    };
  }

  private optionRow(key: string, action: unknown): { key: string; action: ActionEditor } {
    const editor = new ActionEditor(this.sources, this.onInput, `option-${key}`);
    editor.set(action);
    return { key, action: editor };
  }

  private addOption(): void {
    const free = KEYS.find((k) => !this.options.some((o) => o.key === k));
    if (!free) return;
    this.options.push(this.optionRow(free, { type: 'queue', skill: '' }));
    this.render();
    this.onInput();
  }

  private render(): void {
    const prompts = this.sources.prompts().map((p): [string, string] => [p.id, p.id]);
    replace(this.invalidPrompt, ...options([['', '请选择提示音'], ...prompts], this.invalidPromptId));
    replace(
      this.rows,
      ...this.options.map((option, index) =>
        h(
          'tr',
          { 'data-testid': `option-row-${option.key}` },
          h(
            'td',
            null,
            h(
              'select',
              {
                'data-testid': 'option-key',
                onchange: (event: Event) => {
                  const key = (event.target as HTMLSelectElement).value;
                  if (this.options.some((o, i) => i !== index && o.key === key)) {
                    (event.target as HTMLSelectElement).value = option.key;
                    return;
                  }
                  option.key = key;
                  this.render();
                  this.onInput();
                },
              },
              ...options(KEYS.map((k): [string, string] => [k, k]), option.key),
            ),
          ),
          h('td', null, option.action.element),
          h(
            'td',
            null,
            h(
              'button',
              {
                type: 'button',
                class: 'small ghost',
                onclick: () => {
                  this.options.splice(index, 1);
                  this.render();
                  this.onInput();
                },
              },
              '删除按键',
            ),
          ),
        ),
      ),
    );
  }
}
