import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskDialString, maskNumber } from '../../cti/logging.js';
import { classifyStasisArgs } from '../../cti/stasis/channel-role.js';

describe('caller numbers in logs', () => {
  it.each([
    ['13800138000', '138****8000'],
    ['02361230001', '023****0001'],
    ['6123456', '61*3456'],
    ['12345', '12345'],
    ['', ''],
  ])('masks %s as %s', (number, masked) => {
    expect(maskNumber(number)).toBe(masked);
  });

  it.each([
    ['PJSIP/13900000001@trunk', 'PJSIP/139****0001@trunk'],
    ['PJSIP/1001', 'PJSIP/1001'],
    ['PJSIP/96128@trunk', 'PJSIP/96128@trunk'],
  ])('masks the number in the dial string %s', (dial, masked) => {
    expect(maskDialString(dial)).toBe(masked);
  });

  it('masks caller fields even when a call site forgets', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    createLogger('info', sink).info({ callerNumber: '13800138000', from: '13900139000' }, 'call');
    createLogger('info', sink).info({ from: 'arriving', to: 'queued' }, 'transition');
    const line = lines.join('');
    expect(line).toContain('"from":"arriving"');
    expect(line).toContain('138****8000');
    expect(line).toContain('139****9000');
    expect(line).not.toContain('13800138000');
    expect(line).not.toContain('13900139000');
  });
});

describe('Stasis arguments', () => {
  it('tells a citizen call from the channels the server creates', () => {
    expect(classifyStasisArgs(['12345'])).toEqual({ kind: 'inbound', dialledNumber: '12345' });
    expect(classifyStasisArgs(['agent', '1795312603.7'])).toEqual({ kind: 'own', role: 'agent', args: ['1795312603.7'] });
    expect(classifyStasisArgs([]).kind).toBe('invalid');
    expect(classifyStasisArgs(['hello']).kind).toBe('invalid');
  });
});
