/**
 * 中心设置: the settings kept in the database — call timings, when citizens may be called back, how
 * long recordings are kept, the service targets — each a small form saved on its own (`PUT /api/v1/settings/…`,
 * audited); a change applies from the next use, without a restart.
 */
import { api } from '../shared/api.js';
import { h, replace, toast } from '../shared/dom.js';
import type { Context } from './crud.js';
import { problemsOf } from './problems.js';

type Values = Record<string, string | number | boolean>;

interface Input {
  key: string;
  label: string;
  kind: 'time' | 'number' | 'checkbox' | 'percent';
  hint?: string;
}

interface Section {
  path: string;
  title: string;
  note: string;
  inputs: Input[];
}

const SECTIONS: Section[] = [
  {
    path: 'call-timings',
    title: '来电处理时长',
    note: '坐席振铃多久未接转下一位坐席；话后整理多长；专席排队多久后综合坐席也可接听。修改后从下一次振铃、整理或排队起生效。',
    inputs: [
      { key: 'ringTimeoutSeconds', label: '振铃超时（秒，5–120）', kind: 'number' },
      { key: 'wrapUpSeconds', label: '话后整理（秒，0–600）', kind: 'number' },
      { key: 'queueOverflowSeconds', label: '溢出等待（秒，0–3600）', kind: 'number' },
    ],
  },
  {
    path: 'callback-policy',
    title: '回拨与回访',
    note: '漏接回拨和回访只在此时段内拨出（北京时间），每个来电最多尝试若干次，两次之间至少间隔若干分钟。',
    inputs: [
      { key: 'from', label: '开始时间', kind: 'time' },
      { key: 'to', label: '结束时间', kind: 'time' },
      { key: 'workdaysOnly', label: '只在工作日', kind: 'checkbox' },
      { key: 'maxAttempts', label: '最多尝试次数', kind: 'number' },
      { key: 'spacingMinutes', label: '间隔（分钟）', kind: 'number' },
    ],
  },
  {
    path: 'recording-retention',
    title: '录音保留',
    note: '每晚 03:00 删除早于保留天数的通话录音。',
    inputs: [{ key: 'days', label: '保留天数', kind: 'number' }],
  },
  {
    path: 'kpi-targets',
    title: '服务目标',
    note: '班长大屏按此着色：达到目标为绿色，低于目标但在黄色区间内为黄色，再低为红色；排队等待超过阈值变红。',
    inputs: [
      { key: 'answerRate', label: '接通率目标（%）', kind: 'percent' },
      { key: 'answeredWithin15sRate', label: '15 秒接通率目标（%）', kind: 'percent' },
      { key: 'amberBand', label: '黄色区间（百分点）', kind: 'percent' },
      { key: 'queueWaitRedSeconds', label: '排队等待红色阈值（秒）', kind: 'number' },
    ],
  },
];

export class SettingsPanel {
  readonly element: HTMLElement;
  private readonly sections = h('div');

  constructor(private readonly ctx: Context) {
    this.element = h('section', { class: 'card', 'data-testid': 'panel-settings' }, h('h2', null, '中心设置'), this.sections);
  }

  async load(): Promise<void> {
    let all: Record<string, Values>;
    try {
      all = await api<Record<string, Values>>('GET', '/api/v1/settings', { token: this.ctx.token() });
    } catch (error) {
      replace(this.sections, h('p', { class: 'form-error' }, `读取失败：${problemsOf(error).summary}`));
      return;
    }
    replace(this.sections, ...SECTIONS.map((section) => this.form(section, all[section.path] ?? {})));
  }

  private form(section: Section, values: Values): HTMLElement {
    const controls = new Map<string, HTMLInputElement>();
    const problems = new Map<string, HTMLElement>();
    const fields = section.inputs.map((input) => {
      const value = values[input.key];
      const control =
        input.kind === 'checkbox'
          ? h('input', { type: 'checkbox', 'data-testid': `setting-${section.path}-${input.key}` })
          : h('input', {
              type: input.kind === 'time' ? 'time' : 'number',
              step: input.kind === 'percent' ? '0.1' : '1',
              'data-testid': `setting-${section.path}-${input.key}`,
            });
      if (input.kind === 'checkbox') control.checked = value === true;
      else control.value = input.kind === 'percent' && typeof value === 'number' ? String(Math.round(value * 1000) / 10) : String(value ?? '');
      controls.set(input.key, control);
      const problem = h('span', { class: 'form-error', 'data-problem': input.key });
      problems.set(input.key, problem);
      return h('label', { class: input.kind === 'checkbox' ? 'inline' : '' }, input.label, control, problem);
    });
    const save = async () => {
      for (const p of problems.values()) p.textContent = '';
      const body: Values = {};
      for (const input of section.inputs) {
        const control = controls.get(input.key);
        if (!control) continue;
        body[input.key] = input.kind === 'checkbox' ? control.checked : input.kind === 'time' ? control.value : input.kind === 'percent' ? Number(control.value) / 100 : Number(control.value);
      }
      try {
        await api('PUT', `/api/v1/settings/${section.path}`, { token: this.ctx.token(), body });
        toast(`${section.title}已保存`);
      } catch (error) {
        const found = problemsOf(error);
        for (const p of found.problems) {
          const key = p.field.split('/').filter(Boolean)[0] ?? '';
          const target = problems.get(key);
          if (target) target.textContent = p.message;
        }
        if (!found.problems.length) toast(found.summary, 'error');
      }
    };
    return h(
      'div',
      { class: 'settings-section', 'data-testid': `settings-${section.path}` },
      h('h3', null, section.title),
      h('p', { class: 'muted' }, section.note),
      h('div', { class: 'row' }, ...fields),
      h('div', { class: 'actions' }, h('button', { class: 'primary', 'data-testid': `save-${section.path}`, onclick: () => void save() }, '保存')),
    );
  }
}
