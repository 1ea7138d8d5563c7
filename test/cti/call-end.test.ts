/**
 * The one rule (cti/calls/call-end.ts) by which the call flow and the restart pass end a citizen's
 * call and decide whether its caller goes on the missed-call (callback) list, over its cases.
 */
import { describe, expect, it } from 'vitest';
import { callEnd, type CallEndFacts } from '../../cti/calls/call-end.js';

const none: CallEndFacts = { blocked: false, transferred: false, answered: false, backInLine: false, queued: false, cutOff: false };

describe('how a call ends and whether its caller is called back', () => {
  const cases: [string, Partial<CallEndFacts>, ReturnType<typeof callEnd>][] = [
    ['hung up in the greeting or the menus', {}, { outcome: 'abandoned', callBack: false }],
    ['cut off in the greeting or the menus', { cutOff: true }, { outcome: 'abandoned', callBack: true }],
    ['gave up waiting in line', { queued: true }, { outcome: 'abandoned', callBack: true }],
    ['cut off waiting in line', { queued: true, cutOff: true }, { outcome: 'abandoned', callBack: true }],
    ['answered, hung up talking', { answered: true, queued: true }, { outcome: 'answered', callBack: false }],
    ['answered, cut off talking', { answered: true, queued: true, cutOff: true }, { outcome: 'answered', callBack: false }],
    ['answered, put back in line, hung up waiting', { answered: true, queued: true, backInLine: true }, { outcome: 'answered', callBack: false }],
    ['answered, put back in line, cut off waiting', { answered: true, queued: true, backInLine: true, cutOff: true }, { outcome: 'answered', callBack: true }],
    ['put through to an outside line', { transferred: true, answered: true }, { outcome: 'transferred', callBack: false }],
    ['put through to an outside line, cut off', { transferred: true, answered: true, cutOff: true }, { outcome: 'transferred', callBack: false }],
    ['blacklisted, hung up during the notice', { blocked: true }, { outcome: 'blocked', callBack: false }],
    ['blacklisted, cut off during the notice', { blocked: true, cutOff: true }, { outcome: 'blocked', callBack: false }],
  ];
  it.each(cases)('%s', (_what, facts, expected) => {
    expect(callEnd({ ...none, ...facts })).toEqual(expected);
  });

  it('keeps an outcome the flow forces (a failure ending the call): no callback for it', () => {
    expect(callEnd({ ...none, queued: true }, 'failed')).toEqual({ outcome: 'failed', callBack: false });
  });
});
