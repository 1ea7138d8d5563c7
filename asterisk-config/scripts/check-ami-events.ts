/**
 * The CTI server's AMI user should receive only the events the server acts on (SERVER_EVENTS): the
 * `call` class alone brings a dozen more per call (Newchannel, Newstate, DialBegin, BridgeEnter,
 * MusicOnHoldStart, HangupRequest …), each one formatted by Asterisk and parsed by the server for
 * nothing. manager.conf's `eventfilter` narrows them. Its legacy form, as Asterisk's
 * manager.conf.sample documents it: each line is a regular expression searched for anywhere in the
 * event's text; `!` in front makes it a black filter; with white filters an event must match one, and
 * it must match no black filter.
 */
import { SERVER_EVENTS } from './ami-privileges.js';
import type { ConfEntry } from './conf-file.js';
import { error, warning, type Finding } from './findings.js';

/** Call-class events the server never reads; a filter that lets them through filters too little. */
const UNUSED_EVENTS = ['Newchannel', 'Newstate', 'DialBegin', 'BridgeEnter', 'MusicOnHoldStart', 'HangupRequest', 'SoftHangupRequest'];

const sampleEvent = (name: string, cls: string) => `Event: ${name}\r\nPrivilege: ${cls},all\r\n`;

export function checkAmiEventFilter(entries: ConfEntry[], who: string, at: string): Finding[] {
  const lines = entries.filter((e) => e.key.toLowerCase() === 'eventfilter');
  if (lines.length === 0) {
    return [
      warning(
        'ami-eventfilter',
        `${who} 没有 eventfilter：每通电话还会发来十几个服务器用不到的事件（${UNUSED_EVENTS.slice(0, 4).join('、')} …），白白耗费 Asterisk 和 CTI 服务器的 CPU；只放行 ${SERVER_EVENTS.map((e) => e.event).join('、')}（见 asterisk-config/manager.conf）`,
        at,
      ),
    ];
  }
  const findings: Finding[] = [];
  const white: RegExp[] = [];
  const black: RegExp[] = [];
  for (const line of lines) {
    const negated = line.value.startsWith('!');
    try {
      (negated ? black : white).push(new RegExp(negated ? line.value.slice(1) : line.value));
    } catch {
      findings.push(error('ami-eventfilter', `${who} 的 eventfilter = ${line.value} 不是有效的正则表达式`, line.at));
    }
  }
  const passes = (text: string) => (white.length === 0 || white.some((r) => r.test(text))) && !black.some((r) => r.test(text));
  for (const needed of SERVER_EVENTS) {
    if (!passes(sampleEvent(needed.event, needed.class))) {
      findings.push(error('ami-eventfilter', `${who} 的 eventfilter 挡住了服务器要用的 ${needed.event} 事件（${needed.use}）`, lines[0]?.at ?? at));
    }
  }
  const leaking = UNUSED_EVENTS.filter((name) => passes(sampleEvent(name, 'call')));
  if (leaking.length > 0) {
    findings.push(warning('ami-eventfilter', `${who} 的 eventfilter 仍放行服务器用不到的 ${leaking.join('、')} 事件`, lines[0]?.at ?? at));
  }
  return findings;
}
