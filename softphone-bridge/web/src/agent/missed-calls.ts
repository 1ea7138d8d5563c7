/**
 * 漏接回拨: callers who gave up in the queue. 回拨 calls the citizen back from the agent's phone under
 * the missed call's own ticket (`call.dial` with `missedCallId`, PROTOCOL.md); 已回拨 marks an entry
 * handled by other means.
 */
import { api, ApiError, listOf } from '../shared/api.js';
import { clock, h, replace, toast } from '../shared/dom.js';
import { command } from './desk-socket.js';
import { isAllowed } from './desk-state.js';

interface MissedCall {
  id: number;
  callerNumber: string;
  dialledNumber: string;
  waitMs: number;
  at: string;
}

export class MissedCalls {
  readonly element = h('section', { class: 'card', id: 'missed', 'data-testid': 'missed-panel' });
  private readonly callButtons: HTMLButtonElement[] = [];

  constructor(private readonly token: () => string) {}

  /** Enables 回拨 exactly when the server accepts `call.dial` now. */
  render(): void {
    for (const b of this.callButtons) b.disabled = !isAllowed('call.dial');
  }

  async load(): Promise<void> {
    const refresh = h('button', { type: 'button', class: 'ghost small', onclick: () => void this.load() }, '刷新');
    const heading = h('h2', null, '漏接回拨 ', refresh);
    this.callButtons.length = 0;
    try {
      const rows = listOf<MissedCall>(await api<unknown>('GET', '/api/v1/missed-calls', { token: this.token() }));
      replace(
        this.element,
        heading,
        rows.length === 0
          ? h('p', { class: 'muted' }, '暂无待回拨来电')
          : h(
              'table',
              { class: 'table', 'data-testid': 'missed-calls' },
              h('thead', null, h('tr', null, h('th', null, '来电号码'), h('th', null, '拨打号码'), h('th', null, '等待'), h('th', null, '时间'), h('th', null, '操作'))),
              h('tbody', null, rows.map((m) => this.row(m))),
            ),
      );
      this.render();
    } catch (error) {
      const text = error instanceof ApiError && error.status === 404 ? '服务器暂未提供漏接回拨列表' : `无法读取：${error instanceof Error ? error.message : String(error)}`;
      replace(this.element, heading, h('p', { class: 'muted' }, text));
    }
  }

  private row(m: MissedCall): HTMLElement {
    // 回拨: the agent's phone rings first, then the citizen; the pop comes under the missed call's ticket.
    const callBack = h(
      'button',
      {
        type: 'button',
        class: 'small primary',
        'data-testid': `btn-call-back-${m.id}`,
        onclick: () => void command('call.dial', { number: m.callerNumber, missedCallId: m.id }, `正在回拨 ${m.callerNumber}，请接听话机`).then(() => this.load()),
      },
      '回拨',
    );
    this.callButtons.push(callBack);
    return h(
      'tr',
      null,
      h('td', null, m.callerNumber),
      h('td', null, m.dialledNumber),
      h('td', null, `${Math.round(m.waitMs / 1000)} 秒`),
      h('td', null, clock(m.at)),
      h('td', { class: 'nowrap' }, callBack, ' ', h('button', { type: 'button', class: 'small', onclick: () => void this.markCalledBack(m) }, '已回拨')),
    );
  }

  private async markCalledBack(m: MissedCall): Promise<void> {
    try {
      await api('POST', `/api/v1/missed-calls/${m.id}/done`, { token: this.token() });
      toast(`${m.callerNumber} 已标记为已回拨`);
    } catch (error) {
      toast(error instanceof Error ? error.message : String(error), 'error');
    }
    await this.load();
  }
}
