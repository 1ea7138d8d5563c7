/**
 * The transfer targets an agent can pick: colleagues, skills (queues), expert seats, department
 * contacts, sub-centres and the emergency lines. The lists come from the admin API's read endpoints
 * that agents may call; a list the server does not give is shown as unavailable, never guessed.
 */
import { api, ApiError, listOf } from '../shared/api.js';
import { EMERGENCY_LINES } from '../shared/labels.js';

/** The `target` of `call.transfer` / `call.conference` (PROTOCOL.md). */
export type Target =
  | { kind: 'agent'; agentId: number }
  | { kind: 'skill'; skill: string }
  | { kind: 'expert'; expertSeatId: number }
  | { kind: 'contact'; contactId: number }
  | { kind: 'subcentre'; number: string }
  | { kind: 'emergency'; number: '110' | '119' | '120' | '122' };

export type TargetKind = Target['kind'];

/** A way of handing the caller to a target: 转接 (`call.transfer` blind), 咨询转接 (attended), 三方 (`call.conference`). */
export type HandOver = 'blind' | 'attended' | 'conference';

export interface TargetChoice {
  label: string;
  target: Target;
  /** The number an agent may dial directly (外呼) when idle, if the list gives one. */
  number?: string;
  /** The only ways the server takes this target (it refuses the others); every way when absent. */
  ways?: readonly HandOver[];
  /** Why the other ways are not offered, shown when the target is picked. */
  hint?: string;
}

/**
 * A sub-centre takes callers the way its route's transfer mode says (PROTOCOL.md, targets): `three-way`
 * only in a 三方 call, `blind` (or no mode) only by 转接 — blind or attended. The mode is in the label,
 * so the agent knows before choosing.
 */
function subcentreChoice(row: Row, number: string): TargetChoice {
  const name = str(row, 'name') || number;
  const target: Target = { kind: 'subcentre', number };
  return row.transferMode === 'three-way'
    ? { label: `${name}（三方）`, target, number, ways: ['conference'], hint: '该分中心要求三方通话转接，请用「三方」' }
    : { label: `${name}（转接）`, target, number, ways: ['blind', 'attended'], hint: '该分中心要求直接转接，请用「转接」或「咨询转接」' };
}

export interface TargetList {
  kind: TargetKind;
  label: string;
  choices: TargetChoice[];
  /** Why the list is empty, when the server did not give it. */
  unavailable?: string;
}

type Row = Record<string, unknown>;
const str = (row: Row, ...keys: string[]): string => {
  for (const key of keys) {
    const value = row[key];
    if (typeof value === 'string' && value) return value;
    if (typeof value === 'number') return String(value);
  }
  return '';
};
const num = (row: Row, key: string): number | null => (typeof row[key] === 'number' ? row[key] : null);

async function fetchList(path: string, token: string): Promise<{ rows: Row[] } | { error: string }> {
  try {
    return { rows: listOf<Row>(await api<unknown>('GET', path, { token })) };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return { error: '服务器暂未提供此列表' };
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** Builds every list; `selfAgentId` is left out of the colleagues. */
export async function loadTargets(token: string, selfAgentId: number): Promise<TargetList[]> {
  const [agents, skills, experts, contacts, routes] = await Promise.all([
    fetchList('/api/v1/agents', token),
    fetchList('/api/v1/skills', token),
    fetchList('/api/v1/expert-seats', token),
    fetchList('/api/v1/department-contacts', token),
    fetchList('/api/v1/routes', token),
  ]);
  const build = (kind: TargetKind, label: string, result: { rows: Row[] } | { error: string }, map: (row: Row) => TargetChoice | null): TargetList =>
    'error' in result
      ? { kind, label, choices: [], unavailable: `列表不可用：${result.error}` }
      : { kind, label, choices: result.rows.map(map).filter((c): c is TargetChoice => c !== null) };
  return [
    build('agent', '坐席', agents, (row) => {
      const id = num(row, 'id');
      const role = str(row, 'role') || 'agent';
      if (id === null || id === selfAgentId || role !== 'agent' || row.enabled === false) return null;
      return { label: `${str(row, 'login')} ${str(row, 'name')}`.trim(), target: { kind: 'agent', agentId: id } };
    }),
    build('skill', '技能组', skills, (row) => {
      const code = str(row, 'code');
      // A skill is a queue: only a blind transfer can go back to it.
      return code ? { label: str(row, 'name') || code, target: { kind: 'skill', skill: code }, ways: ['blind'] } : null;
    }),
    build('expert', '专家座席', experts, (row) => {
      const id = num(row, 'id');
      if (id === null || row.enabled === false) return null;
      return { label: `${str(row, 'name')}（${str(row, 'department')}）`, target: { kind: 'expert', expertSeatId: id } };
    }),
    build('contact', '承办单位联系人', contacts, (row) => {
      const id = num(row, 'id');
      const phone = str(row, 'phone');
      return id === null ? null : { label: `${str(row, 'unit')} · ${str(row, 'person')}`, target: { kind: 'contact', contactId: id }, ...(phone ? { number: phone } : {}) };
    }),
    build('subcentre', '分中心', routes, (row) => {
      const number = str(row, 'number');
      if (str(row, 'mode') !== 'subcentre' || !number || row.enabled === false) return null;
      return subcentreChoice(row, number);
    }),
    {
      kind: 'emergency',
      label: '紧急热线',
      choices: EMERGENCY_LINES.map(([number, label]) => ({ label, target: { kind: 'emergency', number: number as '110' | '119' | '120' | '122' } })),
    },
  ];
}

/** How a target reads to the agent, using the lists when they name it. */
export function describeTarget(target: unknown, lists: TargetList[]): string {
  // The server's events name the target with its own label (e.g. `市交通运输局 赵主任`).
  if (typeof target === 'string') return target;
  if (!target || typeof target !== 'object') return '—';
  const t = target as Target;
  const known = lists.find((l) => l.kind === t.kind)?.choices.find((c) => JSON.stringify(c.target) === JSON.stringify(t));
  if (known) return known.label;
  switch (t.kind) {
    case 'agent':
      return `坐席 #${t.agentId}`;
    case 'skill':
      return '所选技能组';
    case 'expert':
      return `专家座席 #${t.expertSeatId}`;
    case 'contact':
      return `承办单位联系人 #${t.contactId}`;
    case 'subcentre':
      return `分中心 ${t.number}`;
    case 'emergency':
      return `紧急热线 ${t.number}`;
    default:
      return JSON.stringify(target);
  }
}
