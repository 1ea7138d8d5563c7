/**
 * /knowledge: the knowledge base's own page (知识库管理). Department knowledge editors write entries of
 * their department and import a spreadsheet; supervisors review, publish and withdraw; admins do
 * both. Agents read the knowledge on their desk, not here.
 */
import { api, listOf } from '../shared/api.js';
import { byId, dateTime, h, options, replace, toast } from '../shared/dom.js';
import { clearSession, endSession, loadSession, loginForm, saveSession, type Session } from '../shared/session.js';
import { EntryForm } from './entry-form.js';
import { ImportPanel } from './import-panel.js';
import { STATUS_OPTIONS, type Entry, type Profile } from './types.js';

const SESSION_KEY = 'cti.knowledge.session';
const app = byId('app');
const who = byId('who');
const logoutButton = byId<HTMLButtonElement>('logout');
let session: Session | null = loadSession(SESSION_KEY);

const ROLE_NAMES: Record<string, string> = { admin: '管理员', supervisor: '班长', editor: '部门知识编辑' };

function showLogin(): void {
  who.textContent = '';
  logoutButton.hidden = true;
  replace(
    app,
    loginForm({
      title: '知识库管理登录',
      roles: ['editor', 'supervisor', 'admin'],
      wrongRole: '该账号不能管理知识库：话务员请在坐席工作台的“知识库”面板中检索',
      endpointLabel: null,
      onLogin(s) {
        session = s;
        saveSession(SESSION_KEY, s);
        void start();
      },
    }),
  );
}

async function start(): Promise<void> {
  const s = session;
  if (!s) return showLogin();
  const token = () => session?.token ?? '';
  let profile: Profile;
  try {
    profile = await api<Profile>('GET', '/api/v1/knowledge/profile', { token: token() });
  } catch (error) {
    toast(error instanceof Error ? error.message : String(error), 'error');
    return logout();
  }
  logoutButton.hidden = false;
  who.textContent = `${s.name}（${ROLE_NAMES[profile.role] ?? profile.role}${profile.department ? ` · ${profile.department}` : ''}）`;

  const status = h('select', { 'data-testid': 'kb-filter-status' }, ...options(STATUS_OPTIONS, profile.mayReview && !profile.mayWrite ? 'review' : ''));
  const department = h('input', { 'data-testid': 'kb-filter-department', placeholder: '全部部门', value: profile.role === 'editor' ? (profile.department ?? '') : '' });
  const text = h('input', { type: 'search', 'data-testid': 'kb-filter-text', placeholder: '标题或关键词' });
  const table = h('tbody', { 'data-testid': 'kb-entries' });
  const count = h('span', { class: 'muted' });
  let selected: number | null = null;

  const load = async () => {
    const query = new URLSearchParams({ limit: '200' });
    if (status.value) query.set('status', status.value);
    if (department.value.trim()) query.set('department', department.value.trim());
    if (text.value.trim()) query.set('q', text.value.trim());
    try {
      const reply = await api<{ total: number; items: Entry[] }>('GET', `/api/v1/knowledge/entries?${query.toString()}`, { token: token() });
      const items = listOf<Entry>(reply);
      count.textContent = `共 ${reply.total} 条`;
      replace(
        table,
        items.length === 0
          ? h('tr', null, h('td', { colspan: 5, class: 'muted' }, '没有符合条件的条目'))
          : items.map((e) =>
              h(
                'tr',
                { 'data-testid': 'kb-entry', 'data-id': e.id, class: e.id === selected ? 'selected' : '', onclick: () => void choose(e.id) },
                h('td', null, e.title),
                h('td', null, e.department),
                h('td', null, h('span', { class: `tag status-${e.status}`, 'data-status': e.status }, e.statusName)),
                h('td', null, e.publishedVersion ? `第 ${e.publishedVersion} 版` : '—'),
                h('td', { class: 'nowrap' }, dateTime(e.updatedAt)),
              ),
            ),
      );
    } catch (error) {
      toast(error instanceof Error ? error.message : String(error), 'error');
    }
  };
  const form = new EntryForm(token, profile, (id) => {
    selected = id;
    void load();
  });
  const choose = async (id: number) => {
    selected = id;
    await form.open(id);
    await load();
  };
  for (const input of [status, department]) input.addEventListener('change', () => void load());
  text.addEventListener('input', () => void load());

  const list = h(
    'section',
    { class: 'card' },
    h('h2', null, '知识条目 ', count),
    h(
      'div',
      { class: 'kb-filters' },
      h('label', null, '状态', status),
      h('label', null, '部门', department),
      h('label', null, '检索', text),
      profile.mayWrite ? h('button', { type: 'button', class: 'primary', 'data-testid': 'kb-new', onclick: () => form.create() }, '新建条目') : null,
    ),
    h(
      'div',
      { class: 'table-scroll' },
      h('table', { class: 'table kb-list' }, h('thead', null, h('tr', null, h('th', null, '标题'), h('th', null, '部门'), h('th', null, '状态'), h('th', null, '已发布'), h('th', null, '修改时间'))), table),
    ),
  );
  const left = h('div', { class: 'column' }, list, profile.mayWrite ? new ImportPanel(token, () => void load()).element : null);
  replace(app, h('div', { class: 'kb-page' }, left, h('div', { class: 'column' }, form.element)));
  await load();
}

function logout(): void {
  if (session) endSession(session.token);
  session = null;
  clearSession(SESSION_KEY);
  showLogin();
}

logoutButton.addEventListener('click', logout);
if (session) void start();
else showLogin();
