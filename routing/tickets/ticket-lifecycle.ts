/**
 * The ticket's eight stages (受理、派单、办理、答复、督办、办结、回访、评价) as a state machine, with
 * return (退单), extension (延期) and redo (重办). Pure: it says whether a move is legal now and why
 * not; the caller applies it (status, history, deadlines) atomically.
 */
import { TICKET_STATUS_NAMES, shanghaiDay, type TicketStatus } from '../../store/index.js';
import type { WorkingCalendar } from './working-calendar.js';

export type TicketAction =
  | 'answer-directly'
  | 'dispatch'
  | 'take'
  | 'return'
  | 'refuse-return'
  | 'supervise'
  | 'reply'
  | 'close'
  | 'start-callback'
  | 'evaluate'
  | 'redo';

/** from → action → to. Absent: refused. */
const MOVES: Record<TicketStatus, Partial<Record<TicketAction, TicketStatus>>> = {
  accepted: { 'answer-directly': 'closed', dispatch: 'dispatched' },
  dispatched: { take: 'handling', return: 'returned', supervise: 'supervised' },
  returned: { dispatch: 'dispatched', 'refuse-return': 'dispatched' },
  handling: { reply: 'replied', supervise: 'supervised' },
  supervised: { reply: 'replied', take: 'handling' },
  replied: { close: 'closed' },
  closed: { 'start-callback': 'callback' },
  callback: { evaluate: 'evaluated' },
  evaluated: { redo: 'redo' },
  redo: { dispatch: 'dispatched', take: 'handling' },
};

const ACTION_NAMES: Record<TicketAction, string> = {
  'answer-directly': '直接解答办结',
  dispatch: '派单',
  take: '承办单位签收办理',
  return: '退单',
  'refuse-return': '不同意退单',
  supervise: '督办',
  reply: '答复',
  close: '办结',
  'start-callback': '回访',
  evaluate: '评价',
  redo: '重办',
};


/** How long a unit has to send a wrongly dispatched ticket back. */
export const RETURN_WINDOW_WORKING_DAYS = 2;
export const MAX_EXTENSIONS = 2;

export type MoveCheck = { ok: true; to: TicketStatus } | { ok: false; reason: string };

export interface MoveFacts {
  /** When the ticket was last dispatched (for the return window). */
  dispatchedAt?: string | null;
  /** A reason, where the action needs one (return, refuse-return, redo). */
  note?: string | null;
  /** Evaluation result, for redo: only a dissatisfied evaluation can be redone. */
  satisfaction?: 'satisfied' | 'basically-satisfied' | 'dissatisfied' | 'no-answer' | null;
  now: Date;
}

export function checkMove(calendar: WorkingCalendar, from: TicketStatus, action: TicketAction, facts: MoveFacts): MoveCheck {
  const to = MOVES[from][action];
  if (!to) return { ok: false, reason: `工单${TICKET_STATUS_NAMES[from]}，不能${ACTION_NAMES[action]}` };
  if ((action === 'return' || action === 'refuse-return' || action === 'redo') && !facts.note?.trim()) {
    return { ok: false, reason: `${ACTION_NAMES[action]}须说明理由` };
  }
  if (action === 'return') {
    if (!facts.dispatchedAt) return { ok: false, reason: '工单没有派单记录，不能退单' };
    const lastDay = calendar.addWorkingDays(shanghaiDay(new Date(facts.dispatchedAt)), RETURN_WINDOW_WORKING_DAYS).day;
    if (shanghaiDay(facts.now) > lastDay) return { ok: false, reason: `已超过${RETURN_WINDOW_WORKING_DAYS}个工作日的退单期限` };
  }
  if (action === 'redo' && facts.satisfaction !== 'dissatisfied') return { ok: false, reason: '只有不满意的评价才能重办' };
  return { ok: true, to };
}

export interface ExtensionFacts {
  dueAt: string | null;
  /** Extensions already granted. */
  granted: number;
  approver: string | null;
  now: Date;
}

/** 延期: before the deadline, 5 working days each, at most two, the second with a named approver. */
export function checkExtension(status: TicketStatus, facts: ExtensionFacts): { ok: true } | { ok: false; reason: string } {
  if (status !== 'handling' && status !== 'dispatched' && status !== 'supervised' && status !== 'redo') {
    return { ok: false, reason: `工单${TICKET_STATUS_NAMES[status]}，不能申请延期` };
  }
  if (!facts.dueAt) return { ok: false, reason: '工单没有办理期限，不能延期' };
  if (facts.now.getTime() >= Date.parse(facts.dueAt)) return { ok: false, reason: '须在办理期限届满前申请延期' };
  if (facts.granted >= MAX_EXTENSIONS) return { ok: false, reason: `延期不得超过${MAX_EXTENSIONS}次` };
  if (facts.granted === 1 && !facts.approver?.trim()) return { ok: false, reason: '第二次延期须由审批人批准' };
  return { ok: true };
}
