import { describe, expect, it } from 'vitest';
import { maskNumber, maskNumbersIn } from '../../cti/logging.js';
import { classifyStasisArgs } from '../../cti/stasis/channel-role.js';
import { capturedLog } from '../support/test-logger.js';

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

  it('masks caller fields even when a call site forgets', () => {
    const { log, lines } = capturedLog('info');
    log.info({ callerNumber: '13800138000', from: '13900139000' }, 'call');
    log.info({ from: 'arriving', to: 'queued' }, 'transition');
    const line = lines.join('');
    expect(line).toContain('"from":"arriving"');
    expect(line).toContain('138****8000');
    expect(line).toContain('139****9000');
    expect(line).not.toContain('13800138000');
    expect(line).not.toContain('13900139000');
  });
});

describe('caller numbers in logged errors', () => {
  it.each([
    ['params: 13800138000, 12345', 'params: 138****8000, 12345'],
    ['Key (caller_number)=(02361230001) already exists.', 'Key (caller_number)=(023****0001) already exists.'],
    ['PJSIP/13900000001@trunk', 'PJSIP/139****0001@trunk'],
    ['PJSIP/1001', 'PJSIP/1001'],
    ['PJSIP/96128@trunk', 'PJSIP/96128@trunk'],
    ['POST /channels?endpoint=PJSIP%2F13900000001%40trunk', 'POST /channels?endpoint=PJSIP%2F139****0001%40trunk'],
    ['Channel 1796411459.893 not found', 'Channel 1796411459.893 not found'],
    ['no answer from 13800138000.', 'no answer from 138****8000.'],
    ['extension 1001, hotline 12345', 'extension 1001, hotline 12345'],
  ])('masks the numbers in %s', (text, masked) => {
    expect(maskNumbersIn(text)).toBe(masked);
  });

  it("masks a failed query's parameters, its fields and its cause, whether the error or its message is logged", () => {
    const { log, lines } = capturedLog('info');
    // As drizzle words a failed query, with the database's own error as its cause.
    const cause = Object.assign(new Error('duplicate key value violates unique constraint'), { detail: 'Key (caller_number)=(13800138000) already exists.' });
    const failed = Object.assign(new Error('Failed query: insert into missed_calls (caller_number) values ($1)\nparams: 13800138000', { cause }), {
      params: ['13800138000', '12345'],
    });
    log.error({ err: failed, channelId: '1796411459.893' }, 'could not write');
    log.warn({ err: failed.message }, 'could not write, message only');
    log.warn({ reason: 'no route for 13900139000' }, 'released');
    const line = lines.join('');
    expect(line).not.toContain('13800138000');
    expect(line).not.toContain('13900139000');
    expect(line).toContain('params: 138****8000');
    expect(line).toContain('"params":["138****8000","12345"]');
    expect(line).toContain('139****9000');
    expect(line).toContain('"channelId":"1796411459.893"');
    // The error is still the error: its kind, its message and where it was thrown.
    expect(line).toContain('"type":"Error"');
    expect(line).toContain('"stack":"Error: Failed query: insert into missed_calls');
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
