/**
 * The desk's WebSocket (`/ws/agent`, PROTOCOL.md): turns the server's messages into the desk's state
 * (desk-state.ts) and sends the agent's commands. The server's `allowed` list, sent with every event,
 * replaces the desk's at once; nothing here guesses what a button may do.
 */
import { toast } from '../shared/dom.js';
import { outcome } from '../shared/labels.js';
import { LiveSocket, loginCheck, type LinkStatus, type WireMessage } from '../shared/live-socket.js';
import { announceTicket } from './desk-layout.js';
import { desk, deskChanged, type CallView, type HistoryItem } from './desk-state.js';

let socket: LiveSocket | null = null;
/** Labels of transfer targets the server names by id only (the target lists fill it). */
let nameTarget: (target: unknown) => string = (t) => (typeof t === 'string' ? t : '');

export function setTargetNamer(namer: (target: unknown) => string): void {
  nameTarget = namer;
}

const WITHDRAWN: Record<string, string> = {
  'no-answer': '振铃超时未接，已为您示忙',
  'caller-hung-up': '来电人已挂机',
  cancelled: '来电已取消',
  'not-reached': '外呼未接通',
  // A queue offer refused leaves the agent 示忙, a colleague's transfer refused leaves them ready: the state line says which.
  rejected: '已拒接',
  'logged-out': '已退出登录，振铃已取消',
  'not-connected': '已接听，但交换机未能转入来电人，来电人已回到队列',
};

/** Why a consulted colleague stopped the ring (`call.consult.cancelled` `reason`). */
const CONSULT_REFUSED: Record<string, string> = {
  rejected: '拒接',
  'logged-out': '已退出登录',
};

/** The reason the server gives when a wrap-up ended with the ticket unregistered (cti/agents/agent-registry.ts). */
const TICKET_UNREGISTERED = '工单未登记';

export function connectDesk(token: string, onStatus: (status: LinkStatus) => void): void {
  socket?.stop();
  socket = new LiveSocket({
    path: '/ws/agent',
    token,
    onMessage: handle,
    onStatus,
    fatal: { 4409: '该分机已被其他坐席占用，请重新登录并填写分机' },
    loginEnded: loginCheck(token),
  });
  socket.start();
}

export function disconnectDesk(): void {
  socket?.stop();
  socket = null;
}

/** Sends a command; shows `done` or the server's refusal. */
export async function command(type: string, fields: Record<string, unknown> = {}, done?: string): Promise<boolean> {
  if (!socket) return false;
  const result = await socket.command(type, fields);
  if (result.ok) {
    if (done) toast(done);
  } else toast(result.error ?? '操作失败', 'error');
  return result.ok;
}

/** A command on the call on the desk (nothing when there is none). */
export function callCommand(type: string, fields: Record<string, unknown> = {}, done?: string): Promise<boolean> {
  const call = desk.call;
  return call ? command(type, { callId: call.callId, ...fields }, done) : Promise.resolve(false);
}

/**
 * The server's clock minus the page's, from the last message's `at`: the server's instants (when a
 * call was answered, when the wrap-up ends) are read on the page's clock, so a page whose clock is
 * off still counts right.
 */
let skew = 0;
/** A message's instant on the page's clock. */
const time = (message: WireMessage): number => (typeof message.at === 'string' && !Number.isNaN(Date.parse(message.at)) ? Date.parse(message.at) - skew : Date.now());
const ms = (iso: unknown): number | null => (typeof iso === 'string' && !Number.isNaN(Date.parse(iso)) ? Date.parse(iso) - skew : null);

function handle(message: WireMessage): void {
  // Only the messages sent as things happen tell the server's now (an event's `at` is that moment).
  if (typeof message.at === 'string' && !Number.isNaN(Date.parse(message.at))) skew = Date.parse(message.at) - Date.now();
  if (Array.isArray(message.allowed)) desk.allowed = new Set(message.allowed.map(String));
  const ticketBefore = desk.call?.ticketNumber ?? null;
  switch (message.type) {
    case 'hello':
      onHello(message);
      break;
    case 'agent.state':
      onAgentState(message);
      break;
    case 'allowed':
      break;
    case 'error':
      toast(typeof message.error === 'string' ? message.error : '服务器拒绝了连接', 'error');
      break;
    case 'call.offered':
      desk.call = popOf(message);
      desk.unregisteredTicket = null;
      break;
    default:
      if (desk.call && message.callId === desk.call.callId) onCallEvent(desk.call, message);
  }
  const ticketNow = desk.call?.ticketNumber ?? null;
  if (ticketNow !== ticketBefore) announceTicket({ ticketNumber: ticketNow, callId: desk.call?.callId ?? null });
  deskChanged();
}

function onHello(message: WireMessage): void {
  const a = message.agent as { name: string; login: string; endpoint: string; state: string; reason: string | null; since?: string; wrapUpUntil?: string; wrapUpExtended?: boolean } | null;
  if (a) {
    desk.agent = {
      name: a.name,
      login: a.login,
      endpoint: a.endpoint,
      state: a.state,
      reason: a.reason,
      since: desk.agent?.state === a.state ? desk.agent.since : (ms(a.since) ?? Date.now()),
      wrapUpUntil: ms(a.wrapUpUntil),
      wrapUpExtended: a.wrapUpExtended === true,
    };
  }
  if (typeof message.notice === 'string' && message.notice) toast(message.notice, 'error');
  resync(message.call as Record<string, unknown> | null);
}

function onAgentState(message: WireMessage): void {
  if (!desk.agent) return;
  const state = String(message.state);
  const reason = (message.reason as string | null) ?? null;
  desk.agent = {
    ...desk.agent,
    state,
    reason,
    since: desk.agent.state === state && state === 'wrap_up' ? desk.agent.since : time(message),
    wrapUpUntil: ms(message.wrapUpUntil),
    wrapUpExtended: message.wrapUpExtended === true,
  };
  // Reminded, not silently made ready: the wrap-up ended before the ticket was registered.
  if (state === 'not_ready' && reason === TICKET_UNREGISTERED) {
    desk.unregisteredTicket = desk.call?.ticketNumber ?? desk.unregisteredTicket;
    toast(`工单${desk.unregisteredTicket ? ` ${desk.unregisteredTicket}` : ''} 尚未登记完成，已为您示忙；登记后请示闲`, 'error');
  } else if (state === 'ready') desk.unregisteredTicket = null;
}

function popOf(message: WireMessage): CallView {
  return {
    callId: String(message.callId),
    ticketNumber: String(message.ticketNumber),
    callerNumber: String(message.callerNumber),
    dialledNumber: String(message.dialledNumber),
    hotline: String(message.hotline),
    mode: String(message.mode),
    ivrChoices: (message.ivrChoices as CallView['ivrChoices'] | undefined) ?? [],
    waitedSeconds: typeof message.waitedSeconds === 'number' ? message.waitedSeconds : null,
    repeatCaller: message.repeatCaller === true,
    history: (message.history as HistoryItem[] | undefined) ?? [],
    state: 'offered',
    answeredAt: null,
    offeredAt: time(message),
    endedAt: null,
    note: message.outbound === true ? (message.missedCallId ? '回拨漏接来电：请接听话机，接通后即可登记原工单' : '外呼：请接听话机') : '',
    muted: false,
    ticketOwned: message.outbound === true,
    outbound: message.outbound === true,
    missedCallId: typeof message.missedCallId === 'number' ? message.missedCallId : null,
    consulted: false,
  };
}

function onCallEvent(c: CallView, message: WireMessage): void {
  const at = time(message);
  const set = (state: string, note = '') => {
    c.state = state;
    c.note = note;
    if (state === 'ended') {
      c.endedAt = at;
      c.muted = false;
    }
  };
  switch (message.type) {
    case 'call.answered':
      // A consultation this agent picked up was completed to them: the caller's talk time starts now (as `hello` has it).
      c.answeredAt = c.consulted ? at : (c.answeredAt ?? at);
      c.ticketOwned = true;
      c.consulted = false;
      return set('connected');
    case 'call.held':
      return set('held', '来电人正在听等待音乐');
    case 'call.resumed':
      return set('connected');
    case 'call.consulting':
      return set('consulting', `正在咨询 ${nameTarget(message.target)}，来电人听等待音乐`);
    case 'call.consult.answered':
      if (message.consulted === true) {
        // This agent is the colleague consulted, and picked up: talking with the agent, the caller waits.
        c.answeredAt ??= at;
        c.consulted = true;
        return set('consulting', `正在与 ${nameTarget(message.target)} 咨询通话，来电人听等待音乐`);
      }
      return set('consulting', `${nameTarget(message.target)} 已接听，可完成转接或取消`);
    case 'call.consult.cancelled': {
      // `why`: the server's words for why the consulted party did not take the caller (拒接, 无人接听,
      // 对方忙, 所在交换节点线路中断…); none when the agent cancelled.
      const why = typeof message.why === 'string' && message.why !== '' ? message.why : null;
      if (message.requeued === true) return set('ended', `${nameTarget(message.target)} ${why ?? '未接听'}，您已挂机，来电人已回到队列`);
      if (why !== null) return set('connected', `${nameTarget(message.target)} ${why}，已回到来电人`);
      // A server from before `why` was sent here says only when the colleague refused.
      if (typeof message.reason === 'string' && message.reason in CONSULT_REFUSED) {
        return set('connected', `${nameTarget(message.target)} ${CONSULT_REFUSED[message.reason]}，已回到来电人`);
      }
      return set('connected', '咨询结束，已回到来电人');
    }
    case 'call.conference':
      return set('conference', `三方通话：${nameTarget(message.target)}`);
    case 'call.conference.ended':
      return message.left === 'agent' ? set('ended', '您已退出三方通话，来电人与第三方继续通话') : set('connected', '第三方已离开，三方通话结束');
    case 'call.transferred':
      return set(
        'ended',
        message.reason === 'agent-hung-up'
          ? `您在咨询中挂机，来电已转给 ${nameTarget(message.target)}`
          : message.reason === 'line-lost'
            ? '与来电人的线路中断（交换节点故障），来电人已按原位置重新排队'
            : `已转接至 ${nameTarget(message.target)}`,
      );
    case 'call.ended':
      if (c.state !== 'ended') set('ended', `通话结束（${outcome(String(message.outcome))}）`);
      return;
    case 'call.offer.withdrawn':
      // The ring stopped before the agent answered, or the consultation they picked up ended without
      // the caller being handed to them: the pop is over, nothing to hang up.
      if (c.consulted && message.reason === 'cancelled') set('ended', '咨询已结束，来电未转给您');
      else if (c.state === 'offered' || c.consulted) set('ended', WITHDRAWN[String(message.reason)] ?? '来电已取消');
      return;
  }
}

/** After (re)connecting: the server's picture of the active call wins over what the page remembers. */
function resync(active: Record<string, unknown> | null): void {
  const c = desk.call;
  if (!active) {
    if (c && c.state !== 'ended') {
      c.state = 'ended';
      c.endedAt = Date.now();
      c.note = '通话已在断线期间结束';
    }
    return;
  }
  const callId = String(active.callId);
  const state = String(active.state);
  const answeredAt = ms(active.answeredAt);
  // A 外呼 still ringing the citizen: the agent's own call, its ticket theirs from the start (as on its pop).
  const outbound = active.outbound === true;
  // A consultation this agent picked up as the colleague consulted: the call (and its ticket) is not theirs.
  const consulted = active.consulted === true;
  // The same call still on the desk: merged. A view that had ended (the caller put back in line, say)
  // is replaced instead: the call came back to this agent while the desk was away (another desk of
  // theirs kept them at the phone), and the old view's end, note and talk clock are not this call's now.
  if (c?.callId === callId && c.state !== 'ended') {
    c.state = state;
    c.answeredAt = answeredAt ?? c.answeredAt;
    c.muted = active.muted === true;
    c.ticketOwned ||= state !== 'offered' && !consulted;
    c.consulted = consulted;
    return;
  }
  desk.call = {
    callId,
    ticketNumber: String(active.ticketNumber),
    callerNumber: String(active.callerNumber),
    dialledNumber: String(active.dialledNumber),
    hotline: String(active.hotline),
    mode: String(active.mode),
    // The pop's content, as `call.offered` had it (a server older than that sends none).
    ivrChoices: (active.ivrChoices as CallView['ivrChoices'] | undefined) ?? [],
    waitedSeconds: typeof active.waitedSeconds === 'number' ? active.waitedSeconds : null,
    repeatCaller: active.repeatCaller === true,
    history: Array.isArray(active.history) ? (active.history as HistoryItem[]) : null,
    state,
    answeredAt,
    offeredAt: Date.now(),
    endedAt: null,
    note: '重新连接后恢复的通话',
    muted: active.muted === true,
    ticketOwned: outbound || (state !== 'offered' && !consulted),
    outbound,
    missedCallId: typeof active.missedCallId === 'number' ? active.missedCallId : null,
    consulted,
  };
}

/** The agent closed the pop of an ended call. */
export function closePop(): void {
  if (desk.call?.state !== 'ended') return;
  desk.call = null;
  announceTicket({ ticketNumber: null, callId: null });
  deskChanged();
}

/** 静音 changes no call state: the desk marks it once the server accepted it. */
export async function toggleMute(): Promise<void> {
  const c = desk.call;
  if (!c) return;
  const muting = !c.muted;
  if (await callCommand(muting ? 'call.mute' : 'call.unmute', {}, muting ? '已静音，来电人听不到您' : '已取消静音')) {
    if (desk.call === c) c.muted = muting;
    deskChanged();
  }
}
