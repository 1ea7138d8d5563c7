/**
 * A ticket's call recordings (`recordings` of `GET /api/v1/tickets/:number`), oldest first, as one
 * table: on the agent's ticket form and on the reports page's 工单录音 for quality inspection (质检).
 * Each line says when the conversation started, which agent answered, whether it was the ticket's own
 * call or a callback (回拨), and the recording's name on the PBX; one the retention job removed stays
 * listed, marked deleted.
 */
import type { TicketRecording } from '../../../../store/ticket-recording.js';
import { dateTime, h } from './dom.js';

export type { TicketRecording };

const ORIGINS: Record<TicketRecording['origin'], string> = { original: '来电', callback: '回拨' };

/** Date and time to the second: two answers of one call are often the same minute. */
function startedText(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString('zh-CN', { hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function agentText(r: TicketRecording): string {
  if (r.agentLogin === null) return '不详';
  return r.agentName ? `${r.agentName}（${r.agentLogin}）` : r.agentLogin;
}

function row(r: TicketRecording, index: number): HTMLTableRowElement {
  const sub = (text: string) => h('div', { class: 'sub' }, text);
  return h(
    'tr',
    { 'data-testid': 'recording-row', 'data-name': r.name, 'data-origin': r.origin, 'data-deleted': r.deletedAt ? 'true' : 'false', class: r.deletedAt ? 'recording-deleted' : null },
    h('td', { class: 'nowrap' }, `第 ${index + 1} 段`),
    h('td', { class: 'nowrap', 'data-testid': 'recording-started' }, startedText(r.startedAt)),
    h('td', { 'data-testid': 'recording-agent' }, agentText(r)),
    h('td', { 'data-testid': 'recording-origin' }, ORIGINS[r.origin], sub(r.callId)),
    h(
      'td',
      null,
      h('span', { class: 'recording-name', 'data-testid': 'recording-name' }, r.name),
      r.node ? sub(`节点 ${r.node}`) : null,
      r.deletedAt ? sub(`已按保留期删除（${dateTime(r.deletedAt)}）`) : null,
    ),
  );
}

/** The table, or a line saying there is nothing recorded. */
export function recordingTable(recordings: readonly TicketRecording[]): HTMLElement {
  if (recordings.length === 0) return h('p', { class: 'muted', 'data-testid': 'recordings-empty' }, '该工单暂无通话录音。');
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'table recordings', 'data-testid': 'recordings' },
      h('thead', null, h('tr', null, ...['序号', '开始时间', '接听坐席', '通话', '录音'].map((c) => h('th', null, c)))),
      h('tbody', null, recordings.map(row)),
    ),
  );
}
