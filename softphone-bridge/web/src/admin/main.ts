/**
 * The admin console (系统管理): the admin API's resources (`/api/v1/…`, see
 * softphone-bridge/admin-api/README.md) as tables and forms — merged-hotline routes, skills, agents,
 * expert seats, department contacts, IVR menus (as a tree), blacklist, the repeat-call policy and the
 * audit log. Changes apply to the next call; no restart.
 */
import { api } from '../shared/api.js';
import { byId, dateTime, h, replace, str, toast } from '../shared/dom.js';
import { MODES } from '../shared/labels.js';
import { clearSession, endSession, loadSession, loginForm, saveSession, type Session } from '../shared/session.js';
import { ResourcePanel, type Context, type ResourceSpec, type Row } from './crud.js';
import { dutyLabel } from './duty-text.js';
import { IvrPanel } from './ivr.js';
import { PromptsPanel, type CataloguePrompt } from './prompts-panel.js';
import { SettingsPanel } from './settings-panel.js';
import { problemsOf } from './problems.js';
import { TicketMattersPanel } from './ticket-matters.js';

const SESSION_KEY = 'cti.admin.session';
const app = byId('app');
const who = byId('who');
const logoutButton = byId<HTMLButtonElement>('logout');

let session: Session | null = loadSession(SESSION_KEY);
let skills: Row[] = [];
let menus: Row[] = [];
let prompts: CataloguePrompt[] = [];
let agents: Row[] = [];

const ctx: Context = { token: () => session?.token ?? '', skills: () => skills };
const text = (v: unknown) => str(v) || '—';
const yesNo = (v: unknown) => h('span', { class: v === false ? 'tag' : 'tag tag-ok' }, v === false ? '停用' : '启用');
const skillName = (id: unknown) => {
  const s = skills.find((x) => x.id === id);
  return s ? String(s.name) : text(id);
};
const none: [string, string] = ['', '（无）'];
const skillChoices = (): [string, string][] => [none, ...skills.map((s): [string, string] => [String(s.id), `${String(s.name)}（${String(s.code)}）`])];

/** The prompt catalogue, as choices: id and the start of what it says. */
const promptChoices = (): [string, string][] => [none, ...prompts.map((p): [string, string] => [p.id, `${p.id}：${p.text.length > 24 ? `${p.text.slice(0, 24)}…` : p.text}`])];

const routesSpec: ResourceSpec = {
  title: '热线路由（热线归并）',
  path: '/api/v1/routes',
  // Route names usually start with their number (`12315 市场监管…`).
  name: (r) => (text(r.name).startsWith(text(r.number)) ? text(r.name) : `${text(r.number)} ${text(r.name)}`),
  columns: [
    { label: '号码', value: (r) => text(r.number) },
    { label: '名称', value: (r) => text(r.name) },
    { label: '归并方式', value: (r) => h('span', { class: 'tag' }, MODES[String(r.mode)] ?? text(r.mode)) },
    { label: '技能组', value: (r) => skillName(r.skillId) },
    { label: '菜单', value: (r) => text(menus.find((m) => m.id === r.menuId)?.code ?? r.menuId) },
    { label: '提示音', value: (r) => text(r.prompt) },
    { label: '分中心拨号', value: (r) => (r.subcentreDial ? `${str(r.subcentreDial)}（${r.transferMode === 'three-way' ? '三方' : '盲转'}）` : '—') },
    { label: '优先级', value: (r) => text(r.priority) },
    { label: '状态', value: (r) => yesNo(r.enabled) },
  ],
  fields: [
    { key: 'number', label: '号码', kind: 'text', placeholder: '如 12319' },
    { key: 'name', label: '名称', kind: 'text', placeholder: '如 12319 城建热线' },
    { key: 'mode', label: '归并方式', kind: 'select', choices: () => Object.entries(MODES).map(([k, v]): [string, string] => [k, `${v}（${k}）`]) },
    { key: 'skillId', label: '技能组', kind: 'select', numeric: true, nullable: true, choices: skillChoices },
    { key: 'menuId', label: 'IVR 菜单', kind: 'select', numeric: true, nullable: true, choices: () => [none, ...menus.map((m): [string, string] => [String(m.id), `${String(m.code)} ${String(m.name)}`])] },
    { key: 'prompt', label: '提示音（整体并入的并入提示，或本热线的问候语）', kind: 'select', nullable: true, choices: promptChoices },
    { key: 'subcentreDial', label: '分中心拨号串', kind: 'text', nullable: true, placeholder: '如 PJSIP/12366@trunk' },
    {
      key: 'transferMode',
      label: '分中心转接方式',
      kind: 'select',
      nullable: true,
      choices: () => [none, ['blind', '盲转'], ['three-way', '三方通话']],
    },
    { key: 'priority', label: '排队优先级（0–99）', kind: 'number' },
    { key: 'enabled', label: '启用', kind: 'checkbox' },
  ],
};

const skillsSpec: ResourceSpec = {
  title: '技能组',
  path: '/api/v1/skills',
  name: (r) => `${text(r.name)}（${text(r.code)}）`,
  columns: [
    { label: '编码', value: (r) => text(r.code) },
    { label: '名称', value: (r) => text(r.name) },
    { label: '坐席', value: (r) => agents.filter((a) => Array.isArray(a.skills) && (a.skills as Row[]).some((s) => s.skillId === r.id)).map((a) => String(a.name)).join('、') || '—' },
  ],
  fields: [
    { key: 'code', label: '编码', kind: 'text', placeholder: '小写字母、数字、连字符，如 market-12315' },
    { key: 'name', label: '名称', kind: 'text' },
  ],
  onChange: (rows) => (skills = rows),
};

const ROLES: [string, string][] = [
  ['agent', '话务员'],
  ['supervisor', '班长'],
  ['admin', '管理员'],
  ['editor', '部门知识编辑'],
];

const agentsSpec: ResourceSpec = {
  title: '坐席与账号',
  path: '/api/v1/agents',
  name: (r) => `${text(r.login)} ${text(r.name)}`,
  columns: [
    { label: '工号', value: (r) => text(r.login) },
    { label: '姓名', value: (r) => text(r.name) },
    { label: '角色', value: (r) => ROLES.find(([k]) => k === r.role)?.[1] ?? text(r.role) },
    { label: '分机', value: (r) => text(r.endpoint) },
    { label: '部门', value: (r) => text(r.department) },
    {
      label: '技能（级别）',
      value: (r) => (Array.isArray(r.skills) && r.skills.length ? (r.skills as Row[]).map((s) => `${skillName(s.skillId)} ${String(s.level)}`).join('、') : '—'),
    },
    { label: '状态', value: (r) => yesNo(r.enabled) },
  ],
  fields: [
    { key: 'login', label: '工号', kind: 'text' },
    { key: 'name', label: '姓名', kind: 'text' },
    { key: 'role', label: '角色', kind: 'select', choices: () => ROLES },
    { key: 'endpoint', label: '分机', kind: 'text', nullable: true, placeholder: '如 1006' },
    { key: 'department', label: '所属部门（部门知识编辑只能编写本部门的知识）', kind: 'text', nullable: true, placeholder: '如 市医疗保障局' },
    { key: 'password', label: '初始密码（至少 8 位）', kind: 'password', createOnly: true },
    { key: 'enabled', label: '启用', kind: 'checkbox' },
    { key: 'skills', label: '技能与级别（1 初级 … 10 专家）', kind: 'skills' },
  ],
  rowActions: (row) => [
    ' ',
    h(
      'button',
      {
        class: 'small',
        onclick: () => {
          const password = prompt(`为 ${text(row.login)} 设置新密码（至少 8 位）`);
          if (!password) return;
          api('POST', `/api/v1/agents/${str(row.id)}/password`, { token: ctx.token(), body: { password } }).then(
            () => toast(`${text(row.login)} 的密码已重置`),
            (error: unknown) => toast(problemsOf(error).summary, 'error'),
          );
        },
      },
      '重置密码',
    ),
  ],
  onChange: (rows) => (agents = rows),
};

const expertSpec: ResourceSpec = {
  title: '专家座席',
  path: '/api/v1/expert-seats',
  name: (r) => text(r.name),
  columns: [
    { label: '名称', value: (r) => text(r.name) },
    { label: '所属单位', value: (r) => text(r.department) },
    { label: '接听', value: (r) => (r.agentId ? `坐席 ${text(agents.find((a) => a.id === r.agentId)?.name ?? r.agentId)}` : `外线 ${text(r.externalNumber)}`) },
    { label: '技能组', value: (r) => skillName(r.skillId) },
    { label: '值班时间', value: (r) => dutyLabel(r.onDuty) },
    { label: '状态', value: (r) => yesNo(r.enabled) },
  ],
  fields: [
    { key: 'name', label: '名称', kind: 'text' },
    { key: 'department', label: '所属单位', kind: 'text' },
    {
      key: 'agentId',
      label: '由本中心坐席接听',
      kind: 'select',
      numeric: true,
      nullable: true,
      choices: () => [none, ...agents.filter((a) => a.role === 'agent').map((a): [string, string] => [String(a.id), `${String(a.login)} ${String(a.name)}`])],
    },
    { key: 'externalNumber', label: '或外线号码', kind: 'text', nullable: true, placeholder: '经中继拨出' },
    { key: 'skillId', label: '技能组', kind: 'select', numeric: true, choices: skillChoices },
    { key: 'onDuty', label: '值班时间（北京时间，1 = 周一；“工作日”按法定节假日和调休安排，“休息日”为其余日子；跨零点拆成两段，到午夜写 24:00）', kind: 'duty' },
    { key: 'enabled', label: '启用', kind: 'checkbox' },
  ],
};

const contactsSpec: ResourceSpec = {
  title: '承办单位联系人',
  path: '/api/v1/department-contacts',
  name: (r) => `${text(r.unit)} · ${text(r.person)}`,
  columns: [
    { label: '承办单位', value: (r) => text(r.unit) },
    { label: '联系人', value: (r) => text(r.person) },
    { label: '电话', value: (r) => text(r.phone) },
    { label: '备注', value: (r) => text(r.note) },
  ],
  fields: [
    { key: 'unit', label: '承办单位', kind: 'text' },
    { key: 'person', label: '联系人', kind: 'text' },
    { key: 'phone', label: '电话', kind: 'text', placeholder: '仅数字' },
    { key: 'note', label: '备注', kind: 'text', nullable: true, wide: true },
  ],
};

const blacklistSpec: ResourceSpec = {
  title: '黑名单',
  path: '/api/v1/blacklist',
  name: (r) => text(r.number),
  columns: [
    { label: '号码', value: (r) => text(r.number) },
    { label: '原因', value: (r) => text(r.reason) },
    { label: '到期', value: (r) => (r.expiresAt ? dateTime(str(r.expiresAt)) : '长期') },
    { label: '添加人', value: (r) => text(r.createdBy) },
    { label: '生效', value: (r) => h('span', { class: r.active ? 'tag tag-warn' : 'tag' }, r.active ? '拦截中' : '已过期') },
  ],
  fields: [
    { key: 'number', label: '来电号码', kind: 'text', placeholder: '如 13800138000，+86/0086 可带可不带' },
    { key: 'reason', label: '原因', kind: 'text', placeholder: '如 恶意骚扰坐席' },
    { key: 'expiresAt', label: '到期时间（空：长期）', kind: 'datetime', nullable: true },
  ],
};

function policyPanel(): { element: HTMLElement; load(): Promise<void> } {
  const maxCalls = h('input', { type: 'number', min: 1, 'data-testid': 'policy-max' });
  const windowMinutes = h('input', { type: 'number', min: 1, 'data-testid': 'policy-window' });
  const error = h('p', { class: 'form-error' });
  const form = h(
    'form',
    { class: 'editor' },
    h('label', null, '窗口内最多来电次数', maxCalls),
    h('label', null, '统计窗口（分钟）', windowMinutes),
    h('label', null, '超出后', h('select', { disabled: true }, h('option', null, '播放提醒后照常排队'))),
    h('div', { class: 'actions' }, h('button', { class: 'primary', type: 'submit' }, '保存')),
    h('div', { class: 'wide' }, error),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    api('PUT', '/api/v1/repeat-call-policy', { token: ctx.token(), body: { maxCalls: Number(maxCalls.value), windowMinutes: Number(windowMinutes.value), action: 'warn' } }).then(
      () => toast('重复来电策略已保存'),
      (e: unknown) => {
        const { summary, problems } = problemsOf(e);
        error.textContent = [summary, ...problems.map((p) => `${p.field}：${p.message}`)].join('\n');
      },
    );
  });
  return {
    element: h('section', { class: 'card' }, h('h2', null, '重复来电策略'), h('p', { class: 'muted' }, '同一号码在统计窗口内来电超过次数时，先播放提醒（防恶意重复来电）。'), form),
    async load() {
      try {
        const policy = await api<{ maxCalls: number; windowMinutes: number }>('GET', '/api/v1/repeat-call-policy', { token: ctx.token() });
        maxCalls.value = String(policy.maxCalls);
        windowMinutes.value = String(policy.windowMinutes);
      } catch (e) {
        error.textContent = `读取失败：${problemsOf(e).summary}`;
      }
    },
  };
}

function auditPanel(): { element: HTMLElement; load(): Promise<void> } {
  const entity = h('select', null, ...[['', '全部'], ['route', '热线路由'], ['skill', '技能'], ['agent', '坐席'], ['menu', 'IVR 菜单'], ['blacklist', '黑名单'], ['ticket', '工单'], ['setting', '设置']].map(([v, l]) => h('option', { value: v }, l)));
  const actor = h('input', { placeholder: '操作人' });
  const table = h('div');
  const load = async () => {
    const query = new URLSearchParams({ limit: '100' });
    if (entity.value) query.set('entity', entity.value);
    if (actor.value.trim()) query.set('actor', actor.value.trim());
    try {
      const rows = await api<Row[]>('GET', `/api/v1/audit?${query.toString()}`, { token: ctx.token() });
      replace(
        table,
        h(
          'table',
          { class: 'table' },
          h('thead', null, h('tr', null, h('th', null, '时间'), h('th', null, '操作人'), h('th', null, '动作'), h('th', null, '对象'), h('th', null, '变更后'))),
          h(
            'tbody',
            null,
            rows.map((r) =>
              h(
                'tr',
                null,
                h('td', { class: 'nowrap' }, dateTime(String(r.at))),
                h('td', null, text(r.actor)),
                h('td', null, text(r.action)),
                h('td', null, `${text(r.entity)} ${str(r.entityId)}`),
                h('td', null, h('code', { style: 'font-size:11px; word-break:break-all' }, r.after === null || r.after === undefined ? '—' : JSON.stringify(r.after).slice(0, 160))),
              ),
            ),
          ),
        ),
      );
    } catch (e) {
      replace(table, h('p', { class: 'form-error' }, `读取失败：${problemsOf(e).summary}`));
    }
  };
  return {
    element: h('section', { class: 'card' }, h('h2', null, '审计日志'), h('div', { class: 'actions' }, entity, actor, h('button', { onclick: () => void load() }, '查询')), table),
    load,
  };
}

interface Tab {
  key: string;
  label: string;
  element: HTMLElement;
  load(): Promise<void>;
}

function showLogin(): void {
  who.textContent = '';
  logoutButton.hidden = true;
  replace(
    app,
    loginForm({
      title: '管理员登录',
      roles: ['admin'],
      wrongRole: '该账号不是管理员',
      endpointLabel: null,
      onLogin(s) {
        session = s;
        saveSession(SESSION_KEY, s);
        startConsole();
      },
    }),
  );
}

function startConsole(): void {
  if (!session) return showLogin();
  who.textContent = `${session.name}（${session.login}）`;
  logoutButton.hidden = false;
  const panel = (spec: ResourceSpec) => new ResourcePanel(spec, ctx);
  const routes = panel(routesSpec);
  const skillPanel = panel(skillsSpec);
  const agentPanel = panel(agentsSpec);
  const ivr = new IvrPanel(ctx, (rows) => (menus = rows), () => prompts);
  const promptPanel = new PromptsPanel(ctx, (rows) => (prompts = rows));
  const tabs: Tab[] = [
    { key: 'routes', label: '热线路由', element: routes.element, load: () => routes.load() },
    { key: 'skills', label: '技能组', element: skillPanel.element, load: () => skillPanel.load() },
    { key: 'agents', label: '坐席', element: agentPanel.element, load: () => agentPanel.load() },
    ...[expertSpec, contactsSpec].map((spec) => {
      const p = panel(spec);
      return { key: spec.path.split('/').pop() ?? '', label: spec.title, element: p.element, load: () => p.load() };
    }),
    { key: 'menus', label: 'IVR 菜单', element: ivr.element, load: () => ivr.load() },
    { key: 'prompts', label: '提示音', element: promptPanel.element, load: () => promptPanel.load() },
    ...[blacklistSpec].map((spec) => {
      const p = panel(spec);
      return { key: 'blacklist', label: spec.title, element: p.element, load: () => p.load() };
    }),
    { key: 'policy', label: '重复来电', ...policyPanel() },
    ((settings) => ({ key: 'settings', label: '中心设置', element: settings.element, load: () => settings.load() }))(new SettingsPanel(ctx)),
    ((matters) => ({ key: 'ticket-matters', label: '工单分类', element: matters.element, load: () => matters.load() }))(new TicketMattersPanel(ctx)),
    { key: 'audit', label: '审计日志', ...auditPanel() },
  ];
  const body = h('div');
  const bar = h('nav', { class: 'tabs', role: 'tablist' });
  const open = (tab: Tab) => {
    for (const b of bar.children) b.setAttribute('aria-selected', String((b as HTMLElement).dataset.tab === tab.key));
    replace(body, tab.element);
    history.replaceState(null, '', `#${tab.key}`);
    void tab.load();
  };
  for (const tab of tabs) bar.append(h('button', { role: 'tab', 'data-tab': tab.key, 'data-testid': `tab-${tab.key}`, onclick: () => open(tab) }, tab.label));
  replace(app, bar, body);
  // The lists other forms choose from (skills, menus, agents), then the tab asked for.
  void Promise.all([
    api<Row[]>('GET', '/api/v1/skills', { token: ctx.token() }).then((r) => (skills = r)),
    api<Row[]>('GET', '/api/v1/menus', { token: ctx.token() }).then((r) => (menus = r)),
    api<Row[]>('GET', '/api/v1/agents', { token: ctx.token() }).then((r) => (agents = r)),
    api<CataloguePrompt[]>('GET', '/api/v1/prompts', { token: ctx.token() }).then((r) => (prompts = r)),
  ])
    .catch((error: unknown) => toast(`读取基础数据失败：${problemsOf(error).summary}`, 'error'))
    .finally(() => open(tabs.find((t) => `#${t.key}` === location.hash) ?? tabs[0]!));
}

function logout(): void {
  if (session) endSession(session.token);
  session = null;
  clearSession(SESSION_KEY);
  showLogin();
}

logoutButton.addEventListener('click', logout);
if (session) startConsole();
else showLogin();
