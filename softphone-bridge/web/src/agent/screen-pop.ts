/**
 * 来电弹屏: who calls, on which hotline, what they chose in the voice menu, how long they waited,
 * their recent tickets, and the call's state with a note saying what just happened (a ring that
 * stopped, a transfer, a hang-up during a consultation). A callback (回拨) pops under its original
 * ticket. The pop of an ended call stays until the agent closes it, so the ticket can be finished.
 */
import { dateTime, h, replace } from '../shared/dom.js';
import { callState, category, ivrAction, mode, ticketStatus } from '../shared/labels.js';
import { closePop } from './desk-socket.js';
import { desk } from './desk-state.js';
import { countUp } from './timers.js';

export class ScreenPop {
  readonly element = h('section', { class: 'card pop', id: 'pop', 'data-testid': 'screen-pop', 'aria-label': '来电弹屏' });

  render(): void {
    const c = desk.call;
    if (!c) {
      replace(
        this.element,
        h('h2', null, '来电弹屏'),
        h('p', { class: 'muted', 'data-testid': 'pop-empty' }, '等待来电…'),
        desk.unregisteredTicket ? h('p', { class: 'note note-warn', 'data-testid': 'ticket-reminder' }, `工单 ${desk.unregisteredTicket} 尚未登记完成，已为您示忙；请在“工单登记”中完成后示闲。`) : null,
      );
      return;
    }
    const talk = h('span', { class: 'timer', 'data-testid': 'pop-talk-time' });
    if (c.answeredAt !== null) countUp(talk, c.answeredAt, c.endedAt);
    else talk.textContent = '—';
    replace(
      this.element,
      h(
        'h2',
        null,
        c.outbound ? (c.missedCallId ? '回拨弹屏 ' : '外呼弹屏 ') : '来电弹屏 ',
        h('span', { class: `call-state call-${c.state}`, 'data-testid': 'call-state', 'data-state': c.state }, callState(c.state)),
        c.state === 'ended' ? h('button', { type: 'button', class: 'ghost small', 'data-testid': 'btn-close-pop', onclick: closePop }, '关闭弹屏') : null,
      ),
      c.note ? h('p', { class: 'note', 'data-testid': 'call-note', role: 'status' }, c.note) : null,
      desk.unregisteredTicket === c.ticketNumber ? h('p', { class: 'note note-warn', 'data-testid': 'ticket-reminder' }, `工单 ${c.ticketNumber} 尚未登记完成，已为您示忙；登记后请示闲。`) : null,
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, '工单编号'),
        h('dd', { 'data-testid': 'pop-ticket' }, h('strong', null, c.ticketNumber), c.missedCallId ? h('span', { class: 'tag', 'data-testid': 'pop-callback' }, '回拨漏接来电 · 原工单') : null),
        h('dt', null, c.outbound ? '对方号码' : '来电号码'),
        h('dd', { 'data-testid': 'pop-caller' }, c.callerNumber, c.repeatCaller ? h('span', { class: 'tag tag-warn', 'data-testid': 'pop-repeat' }, '重复来电') : null),
        h('dt', null, '热线'),
        h('dd', { 'data-testid': 'pop-hotline' }, c.hotline, ' ', h('span', { class: 'tag' }, mode(c.mode)), c.dialledNumber && !c.outbound ? ` 拨打 ${c.dialledNumber}` : ''),
        h('dt', null, '语音导航'),
        h('dd', null, c.ivrChoices.length ? c.ivrChoices.map((s) => h('span', { class: 'tag' }, `${s.menu}${s.digit ? ` 按 ${s.digit}` : ''} → ${ivrAction(s.action)}`)) : '未经菜单'),
        h('dt', null, '排队等待'),
        h('dd', null, c.waitedSeconds === null ? '—' : `${c.waitedSeconds} 秒`),
        h('dt', null, '通话时长'),
        h('dd', null, talk),
      ),
      h('h3', null, '历史工单'),
      c.history === null
        ? h('p', { class: 'muted' }, '（重新连接后不含历史）')
        : c.history.length === 0
          ? h('p', { class: 'muted' }, '无历史来电')
          : h(
              'table',
              { class: 'table', 'data-testid': 'pop-history' },
              h('thead', null, h('tr', null, h('th', null, '工单编号'), h('th', null, '时间'), h('th', null, '类别'), h('th', null, '状态'), h('th', null, '内容'))),
              h(
                'tbody',
                null,
                c.history.map((t) =>
                  h('tr', null, h('td', null, t.ticketNumber), h('td', null, dateTime(t.createdAt)), h('td', null, category(t.category)), h('td', null, ticketStatus(t.status)), h('td', null, t.content || '—')),
                ),
              ),
            ),
    );
  }
}
