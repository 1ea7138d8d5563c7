/**
 * One admin resource as a table and a form: list, create, edit (PATCH), delete, with the API's
 * validation problems shown under the fields they name.
 */
import { api } from '../shared/api.js';
import { h, options, replace, str, toast } from '../shared/dom.js';
import { problemsOf, topField, type Problem } from './problems.js';
import { dutyText, parseDuty } from './duty-text.js';

export type Row = Record<string, unknown>;

export interface Field {
  key: string;
  label: string;
  kind: 'text' | 'number' | 'select' | 'checkbox' | 'datetime' | 'password' | 'skills' | 'duty';
  /** For `select`: value/label pairs (an empty value means none). */
  choices?: () => [string, string][];
  /** `select` whose values are ids. */
  numeric?: boolean;
  /** An empty input is sent as null (else: left out). */
  nullable?: boolean;
  /** Only when creating. */
  createOnly?: boolean;
  placeholder?: string;
  hint?: string;
  wide?: boolean;
}

export interface Column {
  label: string;
  value(row: Row): string | Node;
}

export interface ResourceSpec {
  title: string;
  /** e.g. `/api/v1/routes`. */
  path: string;
  columns: Column[];
  fields: Field[];
  /** What each row is called in messages, e.g. the route's number. */
  name(row: Row): string;
  deletable?: boolean;
  /** Extra buttons on a row. */
  rowActions?(row: Row, reload: () => Promise<void>): (Node | string)[];
  /** Called after every change (other tabs' choices may depend on this list). */
  onChange?(rows: Row[]): void;
}

export interface Context {
  token: () => string;
  skills: () => Row[];
}

interface Control {
  field: Field;
  element: HTMLElement;
  read(): unknown;
  write(value: unknown): void;
  /** Re-reads the choices other lists give (skills, menus, agents), keeping what is selected. */
  refresh?(): void;
  problem: HTMLElement;
}

function control(field: Field, ctx: Context): Control {
  const problem = h('span', { class: 'form-error field-problem', 'data-problem': field.key });
  const testid = `field-${field.key}`;
  switch (field.kind) {
    case 'checkbox': {
      const input = h('input', { type: 'checkbox', 'data-testid': testid });
      return {
        field,
        problem,
        element: h('label', { class: 'inline' }, input, field.label, problem),
        read: () => input.checked,
        write: (v) => (input.checked = v !== false),
      };
    }
    case 'select': {
      const select = h('select', { 'data-testid': testid });
      const refill = () => {
        const current = select.value;
        replace(select, ...options(field.choices?.() ?? [], current));
      };
      refill();
      select.addEventListener('focus', refill);
      return {
        field,
        problem,
        element: h('label', { class: field.wide ? 'wide' : '' }, field.label, select, problem),
        read: () => (select.value === '' ? (field.nullable ? null : undefined) : field.numeric ? Number(select.value) : select.value),
        refresh: refill,
        write: (v) => {
          refill();
          select.value = str(v);
        },
      };
    }
    case 'skills': {
      const rows = new Map<number, { on: HTMLInputElement; level: HTMLInputElement }>();
      const box = h('div', { class: 'skills-box', 'data-testid': testid });
      const render = (value: { skillId: number; level: number }[]) => {
        rows.clear();
        replace(
          box,
          ctx.skills().map((s) => {
            const id = Number(s.id);
            const held = value.find((v) => v.skillId === id);
            const on = h('input', { type: 'checkbox', 'data-skill': String(s.code) });
            on.checked = Boolean(held);
            const level = h('input', { type: 'number', min: 1, max: 10, value: held?.level ?? 5, style: 'width:56px', 'data-skill-level': String(s.code) });
            rows.set(id, { on, level });
            return h('label', { class: 'inline' }, on, `${String(s.name)}`, ' 级别', level);
          }),
        );
      };
      render([]);
      const read = () => [...rows.entries()].filter(([, r]) => r.on.checked).map(([skillId, r]) => ({ skillId, level: Number(r.level.value) }));
      return {
        field,
        problem,
        element: h('div', { class: 'wide' }, h('span', { class: 'muted' }, field.label), box, problem),
        read,
        write: (v) => render(Array.isArray(v) ? (v as { skillId: number; level: number }[]) : []),
        refresh: () => render(read()),
      };
    }
    case 'duty': {
      const input = h('input', { placeholder: '1-5 08:30-17:30; 工作日 08:30-17:30; 休息日 09:00-12:00（空：全天）', 'data-testid': testid });
      return {
        field,
        problem,
        element: h('label', { class: 'wide' }, field.label, input, problem),
        read: () => parseDuty(input.value),
        write: (v) => (input.value = dutyText(v)),
      };
    }
    default: {
      const type = field.kind === 'number' ? 'number' : field.kind === 'password' ? 'password' : field.kind === 'datetime' ? 'datetime-local' : 'text';
      const input = h('input', { type, placeholder: field.placeholder ?? '', 'data-testid': testid });
      return {
        field,
        problem,
        element: h('label', { class: field.wide ? 'wide' : '' }, field.label, input, field.hint ? h('small', { class: 'muted' }, field.hint) : null, problem),
        read: () => {
          const value = input.value.trim();
          if (value === '') return field.nullable ? null : undefined;
          if (field.kind === 'number') return Number(value);
          if (field.kind === 'datetime') return new Date(value).toISOString();
          return field.kind === 'password' ? input.value : value;
        },
        write: (v) => {
          if (v === null || v === undefined) input.value = '';
          else if (field.kind === 'datetime') {
            const d = new Date(str(v));
            input.value = Number.isNaN(d.getTime()) ? '' : new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
          } else input.value = str(v);
        },
      };
    }
  }
}

export class ResourcePanel {
  readonly element: HTMLElement;
  rows: Row[] = [];
  private editing: Row | null = null;
  private readonly table = h('div');
  private readonly formTitle = h('h3');
  private readonly formError = h('p', { class: 'form-error', 'data-testid': 'form-error' });
  private readonly submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'form-submit' });
  private readonly cancel = h('button', { type: 'button', class: 'ghost' }, '取消编辑');
  private readonly controls: Control[];

  constructor(
    readonly spec: ResourceSpec,
    private readonly ctx: Context,
  ) {
    this.controls = spec.fields.map((f) => control(f, ctx));
    const form = h('form', { class: 'editor', 'data-testid': 'resource-form' }, this.controls.map((c) => c.element));
    form.append(h('div', { class: 'actions wide' }, this.submit, this.cancel), h('div', { class: 'wide' }, this.formError));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.save();
    });
    this.cancel.addEventListener('click', () => this.edit(null));
    this.element = h('section', { class: 'card', 'data-testid': `panel-${spec.path.split('/').pop() ?? ''}` }, h('h2', null, spec.title), this.table, this.formTitle, form);
    this.edit(null);
  }

  async load(): Promise<void> {
    for (const c of this.controls) c.refresh?.();
    try {
      this.rows = await api<Row[]>('GET', this.spec.path, { token: this.ctx.token() });
      this.spec.onChange?.(this.rows);
      this.renderTable();
    } catch (error) {
      replace(this.table, h('p', { class: 'form-error' }, `读取失败：${problemsOf(error).summary}`));
    }
  }

  private renderTable(): void {
    replace(
      this.table,
      this.rows.length === 0
        ? h('p', { class: 'muted' }, '暂无数据')
        : h(
            'table',
            { class: 'table', 'data-testid': 'resource-table' },
            h('thead', null, h('tr', null, this.spec.columns.map((c) => h('th', null, c.label)), h('th', null, '操作'))),
            h(
              'tbody',
              null,
              this.rows.map((row) =>
                h(
                  'tr',
                  { 'data-row': this.spec.name(row) },
                  this.spec.columns.map((c) => h('td', null, c.value(row))),
                  h(
                    'td',
                    { class: 'nowrap' },
                    h('button', { class: 'small', onclick: () => this.edit(row) }, '编辑'),
                    ' ',
                    this.spec.deletable === false ? null : h('button', { class: 'small danger', onclick: () => void this.remove(row) }, '删除'),
                    ...(this.spec.rowActions?.(row, () => this.load()) ?? []),
                  ),
                ),
              ),
            ),
          ),
    );
  }

  edit(row: Row | null): void {
    this.editing = row;
    this.formTitle.textContent = row ? `编辑：${this.spec.name(row)}` : `新增${this.spec.title}`;
    this.submit.textContent = row ? '保存修改' : '新增';
    this.cancel.hidden = !row;
    this.showProblems('', []);
    for (const c of this.controls) {
      c.element.hidden = Boolean(row && c.field.createOnly);
      c.write(row ? row[c.field.key] : c.field.kind === 'checkbox' ? true : undefined);
    }
  }

  private showProblems(summary: string, problems: Problem[]): void {
    for (const c of this.controls) c.problem.textContent = '';
    const unplaced: string[] = [];
    for (const p of problems) {
      const c = this.controls.find((x) => x.field.key === topField(p.field));
      if (c) c.problem.textContent = [c.problem.textContent, p.message].filter(Boolean).join('；');
      else unplaced.push(`${p.field}: ${p.message}`);
    }
    this.formError.textContent = [summary, ...unplaced].filter(Boolean).join('\n');
  }

  private async save(): Promise<void> {
    const body: Record<string, unknown> = {};
    try {
      for (const c of this.controls) {
        if (this.editing && c.field.createOnly) continue;
        const value = c.read();
        if (value !== undefined) body[c.field.key] = value;
      }
    } catch (error) {
      this.showProblems(error instanceof Error ? error.message : String(error), []);
      return;
    }
    try {
      const saved = this.editing
        ? await api<Row>('PATCH', `${this.spec.path}/${String(this.editing.id)}`, { token: this.ctx.token(), body })
        : await api<Row>('POST', this.spec.path, { token: this.ctx.token(), body });
      toast(`${this.editing ? '已保存' : '已新增'}：${this.spec.name(saved)}`);
      this.edit(null);
      await this.load();
    } catch (error) {
      const { summary, problems } = problemsOf(error);
      this.showProblems(summary, problems);
    }
  }

  private async remove(row: Row): Promise<void> {
    if (!confirm(`确定删除 ${this.spec.name(row)}？`)) return;
    try {
      await api('DELETE', `${this.spec.path}/${String(row.id)}`, { token: this.ctx.token() });
      toast(`已删除：${this.spec.name(row)}`);
      await this.load();
    } catch (error) {
      toast(problemsOf(error).summary, 'error');
    }
  }
}
