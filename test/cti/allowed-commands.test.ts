/**
 * The rule of what an agent may do, as a table: for each agent and call situation, the commands
 * allowed; every refusal of every other command reads in Chinese, with no state code in it.
 */
import { describe, expect, it } from 'vitest';
import { allowedCommands, COMMAND_TYPES, refusalOf, type CallSituation, type CommandSituation } from '../../cti/calls/allowed-commands.js';
import { CALL_STATES } from '../../cti/calls/call-state-machine.js';

const call = (state: CallSituation['state'], extra: Partial<CallSituation> = {}): CallSituation => ({ state, own: true, offeredToMe: false, flow: null, muted: false, ...extra });
const on = (c: CallSituation): CommandSituation => ({ agentState: 'on_call', wrapUpExtended: false, call: c });

describe('allowed commands', () => {
  it('follow the agent and the call', () => {
    const cases: [string, CommandSituation, string[]][] = [
      ['not ready', { agentState: 'not_ready', wrapUpExtended: false, call: null }, ['agent.ready', 'agent.notReady']],
      ['ready', { agentState: 'ready', wrapUpExtended: false, call: null }, ['agent.ready', 'agent.notReady', 'call.dial']],
      ['ringing', { agentState: 'ringing', wrapUpExtended: false, call: call('offered', { own: false, offeredToMe: true }) }, ['call.hangup']],
      ['dialling out', { agentState: 'ringing', wrapUpExtended: false, call: call('offered', { dialling: true }) }, ['call.hangup']],
      ['talking', on(call('connected')), ['call.hangup', 'call.hold', 'call.mute', 'call.dtmf', 'call.transfer', 'call.conference']],
      ['muted', on(call('connected', { muted: true })), ['call.hangup', 'call.hold', 'call.unmute', 'call.dtmf', 'call.transfer', 'call.conference']],
      ['held', on(call('held')), ['call.hangup', 'call.resume', 'call.mute']],
      ['consult ringing', on(call('consulting', { flow: 'consult-ringing' })), ['call.hangup', 'call.mute', 'call.transfer.cancel']],
      ['consult talking', on(call('consulting', { flow: 'consult-talking' })), ['call.hangup', 'call.mute', 'call.dtmf', 'call.transfer.complete', 'call.transfer.cancel']],
      ['three-way ringing', on(call('connected', { flow: 'conference-ringing' })), ['call.hangup', 'call.mute', 'call.transfer.cancel']],
      ['three-way', on(call('conference', { flow: 'conference-joined' })), ['call.hangup', 'call.mute', 'call.dtmf', 'call.kick']],
      ['blind transfer ringing', on(call('transferring', { flow: 'blind' })), []],
      ["a colleague's call", on(call('connected', { own: false })), []],
      ['wrap-up', { agentState: 'wrap_up', wrapUpExtended: false, call: null }, ['agent.ready', 'agent.notReady', 'agent.wrapUp.extend']],
      ['wrap-up extended', { agentState: 'wrap_up', wrapUpExtended: true, call: null }, ['agent.ready', 'agent.notReady']],
    ];
    for (const [name, situation, allowed] of cases) expect(allowedCommands(situation), name).toEqual(COMMAND_TYPES.filter((t) => allowed.includes(t)));
  });

  it('refuses in Chinese, naming no state by its code', () => {
    const agentStates = ['offline', 'ready', 'not_ready', 'ringing', 'on_call', 'wrap_up'] as const;
    for (const agentState of agentStates) {
      for (const state of CALL_STATES) {
        for (const situation of [{ agentState, wrapUpExtended: false, call: null }, { agentState, wrapUpExtended: true, call: call(state) }]) {
          for (const type of COMMAND_TYPES) {
            const refusal = refusalOf(type, situation);
            if (refusal === null) continue;
            expect(refusal).toMatch(/[\u4e00-\u9fa5]/);
            expect(refusal, `${type} in ${agentState}/${state}`).not.toMatch(/[a-z]{3,}|_/);
          }
        }
      }
    }
  });
});
