/**
 * 通话栏: the sticky bar with everything used during a call — the agent's state and its clock (a
 * countdown in 话后整理, with 延长), 示闲/示忙, the call's state and talk time, 挂断/拒接, 保持/恢复,
 * 静音, 拨号盘, the transfer target with 转接 / 咨询转接 / 三方, the emergency lines and free dialling.
 * Every button is enabled exactly when the server's `allowed` list has its command (desk-state.ts).
 *
 * 接听 is not offered: agents sit at SIP phones, and a desktop cannot make a SIP phone go off-hook
 * honestly (ARI can only answer channels in the application, and the agent leg is answered by the
 * phone itself). While it rings the bar says so and offers 拒接 only.
 */
import { h, options } from '../shared/dom.js';
import { agentState, callState, EMERGENCY_LINES, NOT_READY_REASONS } from '../shared/labels.js';
import { callCommand, command, toggleMute } from './desk-socket.js';
import { desk, isAllowed } from './desk-state.js';
import { shortcutHint } from './shortcuts.js';
import type { TargetPicker } from './target-picker.js';
import { clearClock, countDown, countUp } from './timers.js';

type Button = HTMLButtonElement;

export class CallBar {
  readonly element: HTMLElement;
  private readonly badge = h('span', { class: 'state', 'data-testid': 'agent-state' });
  private readonly stateClock = h('span', { class: 'timer', 'data-testid': 'agent-state-time' });
  private readonly extend: Button;
  private readonly ready: Button;
  private readonly reason = h('select', { 'data-testid': 'not-ready-reason', 'aria-label': '示忙原因' }, ...options(NOT_READY_REASONS.map((r) => [r, r])));
  private readonly notReady: Button;
  private readonly callChip = h('span', { class: 'call-state', 'data-testid': 'bar-call-state' });
  private readonly caller = h('span', { class: 'bar-caller', 'data-testid': 'bar-caller' });
  private readonly talkClock = h('span', { class: 'timer', 'data-testid': 'talk-time' });
  private readonly hangup: Button;
  private readonly hold: Button;
  private readonly resume: Button;
  private readonly mute: Button;
  private readonly keypadButton: Button;
  private readonly blind: Button;
  private readonly attended: Button;
  private readonly conference: Button;
  private readonly complete: Button;
  private readonly cancel: Button;
  private readonly kickThird: Button;
  private readonly kickAgent: Button;
  private readonly emergency: Button[];
  private readonly dialNumber = h('input', {
    type: 'tel',
    inputmode: 'tel',
    maxlength: 20,
    placeholder: '外呼号码',
    title: '可拨打：部门通讯录、分中心、紧急热线、本地固话、带区号的固话、手机号码',
    'data-testid': 'dial-number',
    'aria-label': '外呼号码',
  });
  private readonly dial: Button;
  private readonly keypad: HTMLElement;
  private readonly keyButtons: Button[];
  private readonly sentDigits = h('output', { class: 'keypad-sent', 'data-testid': 'dtmf-sent' });

  constructor(private readonly picker: TargetPicker) {
    const button = (label: string, testid: string, action: () => unknown, cls = '') =>
      h('button', { type: 'button', class: cls, 'data-testid': testid, title: shortcutHint(testid), onclick: () => void action() }, label);
    this.extend = button('延长', 'btn-extend-wrap-up', () => command('agent.wrapUp.extend', {}, '话后整理已延长'), 'small');
    this.ready = button('示闲', 'btn-ready', () => command('agent.ready', {}, '已示闲'), 'primary');
    this.notReady = button('示忙', 'btn-not-ready', () => command('agent.notReady', { reason: this.reason.value }, `已示忙（${this.reason.value}）`));
    this.hangup = button('挂断', 'btn-hangup', () => callCommand('call.hangup'), 'danger');
    this.hold = button('保持', 'btn-hold', () => callCommand('call.hold'));
    this.resume = button('恢复', 'btn-resume', () => callCommand('call.resume'), 'primary');
    this.mute = button('静音', 'btn-mute', () => toggleMute());
    this.keypadButton = button('拨号盘', 'btn-keypad', () => this.toggleKeypad());
    this.blind = button('转接', 'btn-transfer-blind', () => this.transfer('blind'));
    this.attended = button('咨询转接', 'btn-transfer-attended', () => this.transfer('attended'));
    this.conference = button('三方', 'btn-conference', () => this.threeWay());
    this.complete = button('完成转接', 'btn-transfer-complete', () => callCommand('call.transfer.complete'), 'primary');
    this.cancel = button('取消转接', 'btn-transfer-cancel', () => callCommand('call.transfer.cancel'));
    this.kickThird = button('挂断第三方', 'btn-kick-third', () => callCommand('call.kick', { party: 'third' }));
    this.kickAgent = button('退出三方', 'btn-kick-agent', () => callCommand('call.kick', { party: 'agent' }));
    this.emergency = EMERGENCY_LINES.map(([number, label]) =>
      h('button', { type: 'button', class: 'emergency', 'data-testid': `btn-emergency-${number}`, title: `${label}：通话中邀请三方，空闲时直接拨打`, onclick: () => void this.emergencyCall(number, label) }, number),
    );
    this.dial = button('外呼', 'btn-dial', () => this.freeDial(), 'primary');
    this.dialNumber.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') void this.freeDial();
    });
    this.keyButtons = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'].map((digit) =>
      h('button', { type: 'button', class: 'key', 'data-testid': `dtmf-${digit === '*' ? 'star' : digit === '#' ? 'hash' : digit}`, onclick: () => void this.sendDigit(digit) }, digit),
    );
    this.keypad = h('div', { class: 'keypad', 'data-testid': 'keypad', role: 'group', 'aria-label': '拨号盘（向对方语音菜单发送按键）' }, h('div', { class: 'keys' }, this.keyButtons), this.sentDigits);
    this.keypad.hidden = true;
    picker.onChange(() => this.render());
    this.element = h(
      'div',
      { class: 'callbar-rows' },
      h(
        'div',
        { class: 'bar-row' },
        h('div', { class: 'bar-group', 'aria-label': '坐席状态' }, this.badge, this.stateClock, this.extend),
        h('div', { class: 'bar-group' }, this.ready, this.reason, this.notReady),
        h('div', { class: 'bar-group bar-call', 'aria-live': 'polite' }, this.callChip, this.caller, this.talkClock),
        h('div', { class: 'bar-group bar-actions' }, this.hangup, this.hold, this.resume, this.mute, this.keypadButton),
      ),
      h(
        'div',
        { class: 'bar-row' },
        h('div', { class: 'bar-group' }, this.picker.kind, this.picker.target, this.blind, this.attended, this.conference, this.complete, this.cancel, this.kickThird, this.kickAgent, this.picker.hint),
        h('div', { class: 'bar-group', 'aria-label': '紧急热线' }, h('span', { class: 'bar-label' }, '紧急'), this.emergency),
        h('div', { class: 'bar-group' }, this.dialNumber, this.dial),
      ),
      this.keypad,
    );
  }

  render(): void {
    const agent = desk.agent;
    const call = desk.call;
    if (agent) {
      this.badge.textContent = agentState(agent.state) + (agent.reason && agent.state === 'not_ready' ? ` · ${agent.reason}` : '');
      this.badge.className = `state state-${agent.state}`;
      this.badge.dataset.state = agent.state;
      if (agent.state === 'wrap_up' && agent.wrapUpUntil !== null) {
        countDown(this.stateClock, agent.wrapUpUntil);
        this.stateClock.title = '话后整理剩余时间';
      } else {
        countUp(this.stateClock, agent.since);
        this.stateClock.title = '当前状态持续时间';
      }
    }
    this.extend.hidden = agent?.state !== 'wrap_up';
    if (call) {
      this.callChip.textContent = callState(call.state) + (call.muted ? ' · 已静音' : '');
      this.callChip.className = `call-state call-${call.state}`;
      this.callChip.dataset.state = call.state;
      this.caller.textContent = `${call.outbound ? '外呼 ' : ''}${call.callerNumber}`;
      if (call.answeredAt !== null) countUp(this.talkClock, call.answeredAt, call.endedAt);
      else if (call.state === 'offered') countUp(this.talkClock, call.offeredAt);
      else clearClock(this.talkClock);
      this.talkClock.title = call.answeredAt !== null ? '通话时长（含保持与咨询）' : '振铃时长';
    } else {
      this.callChip.textContent = '无通话';
      this.callChip.className = 'call-state call-none';
      delete this.callChip.dataset.state;
      this.caller.textContent = '';
      clearClock(this.talkClock);
    }
    // A ring offered by the queue is refused (拒接); a call the agent placed is hung up.
    this.hangup.textContent = call?.state === 'offered' && !call.outbound ? '拒接' : '挂断';
    const enable = (b: Button, type: string, extra = true) => (b.disabled = !isAllowed(type) || !extra);
    enable(this.ready, 'agent.ready');
    this.ready.setAttribute('aria-pressed', agent?.state === 'ready' ? 'true' : 'false');
    enable(this.notReady, 'agent.notReady');
    this.reason.disabled = this.notReady.disabled;
    enable(this.extend, 'agent.wrapUp.extend');
    enable(this.hangup, 'call.hangup');
    enable(this.hold, 'call.hold');
    enable(this.resume, 'call.resume');
    this.hold.hidden = call?.state === 'held';
    this.resume.hidden = call?.state !== 'held';
    this.mute.textContent = call?.muted ? '取消静音' : '静音';
    this.mute.setAttribute('aria-pressed', call?.muted ? 'true' : 'false');
    enable(this.mute, call?.muted ? 'call.unmute' : 'call.mute');
    enable(this.keypadButton, 'call.dtmf');
    for (const key of this.keyButtons) key.disabled = !isAllowed('call.dtmf');
    if (!isAllowed('call.dtmf')) this.keypad.hidden = true;
    // Only the ways the picked target takes (a queue: 转接 only; a sub-centre: its transfer mode).
    enable(this.blind, 'call.transfer', this.picker.allows('blind'));
    enable(this.attended, 'call.transfer', this.picker.allows('attended'));
    enable(this.conference, 'call.conference', this.picker.allows('conference'));
    enable(this.complete, 'call.transfer.complete');
    enable(this.cancel, 'call.transfer.cancel');
    // The colleague consulted talks in the consultation too, but only the agent consulting completes it.
    this.complete.hidden = call?.state !== 'consulting' || call.consulted;
    this.cancel.hidden = !isAllowed('call.transfer.cancel');
    enable(this.kickThird, 'call.kick');
    enable(this.kickAgent, 'call.kick');
    this.kickThird.hidden = this.kickAgent.hidden = call?.state !== 'conference';
    for (const b of this.emergency) b.disabled = !isAllowed('call.conference') && !isAllowed('call.dial');
    enable(this.dial, 'call.dial');
    this.dialNumber.disabled = !isAllowed('call.dial');
  }

  /** The bar's buttons by their test ids, for the keyboard shortcuts. */
  press(testid: string): boolean {
    const target = this.element.querySelector<Button>(`[data-testid='${testid}']`);
    if (!target || target.disabled || target.hidden) return false;
    target.click();
    return true;
  }

  focusDial(): void {
    if (!this.dialNumber.disabled) this.dialNumber.focus();
  }

  toggleKeypad(): void {
    if (!isAllowed('call.dtmf')) return;
    this.keypad.hidden = !this.keypad.hidden;
    this.sentDigits.textContent = '';
    if (!this.keypad.hidden) this.keyButtons[0]?.focus();
  }

  /** A digit typed while the keypad is open. */
  keypadDigit(digit: string): boolean {
    if (this.keypad.hidden || !isAllowed('call.dtmf')) return false;
    void this.sendDigit(digit);
    return true;
  }

  private async sendDigit(digit: string): Promise<void> {
    if (await callCommand('call.dtmf', { digits: digit })) this.sentDigits.textContent = `已发送：${(this.sentDigits.textContent ?? '').replace(/^已发送：/, '')}${digit}`;
  }

  private transfer(mode: 'blind' | 'attended'): void {
    const target = this.picker.picked();
    if (!target) return;
    const name = this.picker.describe(target);
    void callCommand('call.transfer', { target, mode }, mode === 'blind' ? `正在转接至 ${name}` : `正在咨询 ${name}`);
  }

  private threeWay(): void {
    const target = this.picker.picked();
    if (target) void callCommand('call.conference', { target }, `${this.picker.describe(target)} 已加入三方通话`);
  }

  /** 110/119/120/122: during a call a three-way call (the caller stays with the line), otherwise a direct call. */
  private async emergencyCall(number: string, label: string): Promise<void> {
    if (isAllowed('call.conference')) await callCommand('call.conference', { target: { kind: 'emergency', number } }, `${label} 已加入三方通话，已通知班长`);
    else if (isAllowed('call.dial')) await command('call.dial', { number }, `正在拨打 ${label}，请接听话机`);
  }

  private async freeDial(): Promise<void> {
    const number = this.dialNumber.value.trim();
    if (!number || !isAllowed('call.dial')) return;
    if (await command('call.dial', { number }, `正在外呼 ${number}，请接听话机`)) this.dialNumber.value = '';
  }
}
