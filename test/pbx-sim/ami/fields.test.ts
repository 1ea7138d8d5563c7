import { describe, expect, it } from 'vitest';
import { formatDuration, formatEventTime, inAsteriskChannelOrder, secondsSince } from './fields.js';

describe('inAsteriskChannelOrder', () => {
  it('lists channels in the recorded orders', () => {
    const names = (list: string[]): string[] => inAsteriskChannelOrder(list.map((name) => ({ name }))).map((c) => c.name);
    // run2's CoreShowChannels and run3's Hangup-by-regex, shuffled into creation order.
    expect(
      names([
        'Local/s@caller-sim-00000002;1',
        'Local/s@caller-sim-00000002;2',
        'Local/12345@from-pstn-00000003;1',
        'Local/12345@from-pstn-00000003;2',
        'Local/1001@agents-00000004;1',
        'Local/1001@agents-00000004;2',
      ]),
    ).toEqual([
      'Local/12345@from-pstn-00000003;1',
      'Local/12345@from-pstn-00000003;2',
      'Local/1001@agents-00000004;2',
      'Local/1001@agents-00000004;1',
      'Local/s@caller-sim-00000002;2',
      'Local/s@caller-sim-00000002;1',
    ]);
    expect(names(['PJSIP/1001-00000001', 'PJSIP/1002-00000002'])).toEqual(['PJSIP/1002-00000002', 'PJSIP/1001-00000001']);
  });
});

describe('formatting', () => {
  it('prints durations and event times like Asterisk', () => {
    expect(formatDuration(3_725)).toBe('01:02:05');
    expect(formatEventTime(new Date('2026-11-22T01:56:35.032Z'))).toBe('2026-11-22T01:56:35.032+0000');
    expect(secondsSince('2026-11-22T01:56:35.032+0000', Date.parse('2026-11-22T01:56:45.100Z'))).toBe(10);
  });
});
