/** Dialplan parsing, Asterisk's extension matching order, and ${} substitution. */
import { describe, expect, it } from 'vitest';
import { Dialplan, splitAppArgs, substitute } from './dialplan.js';

const plan = Dialplan.parse(`
[general]
static = yes
[globals]
HOTLINE = 12345
[from-pstn]
exten => 12345,1,Answer()
 same => n,Stasis(hotline12345,\${EXTEN})
 same => n(end),Hangup()
exten => _X.,1,NoOp(anything)
exten => _1XXX,1,NoOp(four digits)
exten => _1[0-4]XX,1,NoOp(range)
exten => _NXX,1,NoOp(three)
exten => i,1,Hangup(1)
[agents]
include => from-pstn
exten => _1XXX,1,Dial(PJSIP/\${EXTEN},30)
exten => s,hint,PJSIP/1001
`);

describe('dialplan', () => {
  it('parses priorities, n, labels and same =>', () => {
    expect(plan.find('from-pstn', '12345', 2)).toMatchObject({ app: 'Stasis', data: 'hotline12345,${EXTEN}', priority: 2 });
    expect(plan.find('from-pstn', '12345', 3)).toMatchObject({ app: 'Hangup', label: 'end' });
    expect(plan.findLabel('from-pstn', '12345', 'end')).toBe(3);
    expect(plan.globals.get('HOTLINE')).toBe('12345');
    expect(plan.find('agents', 's', 1)).toBeUndefined();
  });

  it('prefers exact extensions, then the most specific pattern', () => {
    expect(plan.find('from-pstn', '12345', 1)?.app).toBe('Answer');
    expect(plan.find('from-pstn', '1234', 1)?.data).toBe('range');
    expect(plan.find('from-pstn', '1934', 1)?.data).toBe('four digits');
    expect(plan.find('from-pstn', '234', 1)?.data).toBe('three');
    expect(plan.find('from-pstn', '134', 1)?.data).toBe('anything');
    expect(plan.find('from-pstn', '1', 1)).toBeUndefined();
  });

  it('searches own extensions before includes', () => {
    expect(plan.find('agents', '1001', 1)?.app).toBe('Dial');
    expect(plan.find('agents', '12345', 2)?.app).toBe('Stasis');
    expect(plan.find('agents', '12345', 2)?.context).toBe('from-pstn');
    expect(plan.exists('agents', '99', 1)).toBe(true);
    expect(plan.exists('nowhere', '1', 1)).toBe(false);
  });

  it('substitutes variables, functions and substrings', () => {
    const vars: Record<string, string> = { EXTEN: '12345', 'CALLERID(num)': '13800138000' };
    const lookup = (e: string): string => vars[e] ?? '';
    expect(substitute('hotline12345,${EXTEN}', lookup)).toBe('hotline12345,12345');
    expect(substitute('${EXTEN:1}-${EXTEN:-2}-${EXTEN:1:2}', lookup)).toBe('2345-45-23');
    expect(substitute('${CALLERID(num)}/${MISSING}', lookup)).toBe('13800138000/');
  });

  it('splits application arguments like Asterisk', () => {
    expect(splitAppArgs('Local/12345@from-pstn,,D(ww1)')).toEqual(['Local/12345@from-pstn', '', 'D(ww1)']);
    expect(splitAppArgs('a,"b,c",d\\,e')).toEqual(['a', 'b,c', 'd,e']);
  });
});
