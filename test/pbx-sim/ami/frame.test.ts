import { describe, expect, it } from 'vitest';
import { parseCallerId } from './callerid.js';
import { FrameParser, MAX_HEADER_LINES, getHeader, headerValues, parseFrames, serializeFrame } from './frame.js';
import { ALL_CLASSES, EventFlag, INVALID_MASK, authorityToString, stringsToMask, wantsEvent } from './permissions.js';

describe('FrameParser', () => {
  it('splits CRLF messages at the blank line, across chunk boundaries', () => {
    const parser = new FrameParser();
    expect(parser.push(Buffer.from('Action: Ping\r\nAction'))).toEqual([]);
    const messages = parser.push(Buffer.from('ID: 1\r\n\r\nAction: Logoff\r\n\r'));
    expect(messages.map((m) => m.lines)).toEqual([['Action: Ping', 'ActionID: 1']]);
    expect(parser.push(Buffer.from('\n')).map((m) => m.lines)).toEqual([['Action: Logoff']]);
  });

  it('accepts LF-only line endings', () => {
    const messages = new FrameParser().push(Buffer.from('Action: Ping\nActionID: x\n\n'));
    expect(messages.map((m) => m.lines)).toEqual([['Action: Ping', 'ActionID: x']]);
  });

  it('turns every empty line into a message, even without headers', () => {
    const messages = new FrameParser().push(Buffer.from('\r\n\r\n'));
    expect(messages.map((m) => m.lines)).toEqual([[], []]);
  });

  it('keeps UTF-8 characters that straddle chunks', () => {
    const parser = new FrameParser();
    const bytes = Buffer.from('CallerID: "市民" <13800138000>\r\n\r\n');
    const cut = bytes.indexOf(Buffer.from('民')) + 1;
    parser.push(bytes.subarray(0, cut));
    expect(parser.push(bytes.subarray(cut))[0]?.lines).toEqual(['CallerID: "市民" <13800138000>']);
  });

  it('poisons a message with an over-long line without buffering it', () => {
    const parser = new FrameParser();
    expect(parser.push(Buffer.from(`Action: Ping\r\nJunk: ${'x'.repeat(200_000)}`))).toEqual([]);
    const [message] = parser.push(Buffer.from('still junk\r\nActionID: 7\r\n\r\n'));
    expect(message?.lineTooLong).toBe(true);
    expect(message?.lines).toEqual(['Action: Ping', 'ActionID: 7']);
    const [next] = parser.push(Buffer.from('Action: Ping\r\n\r\n'));
    expect(next?.lineTooLong).toBe(false);
  });

  it('flags a message with too many header lines', () => {
    const lines = Array.from({ length: MAX_HEADER_LINES + 5 }, (_, i) => `X-${i}: ${i}`).join('\r\n');
    const [message] = new FrameParser().push(Buffer.from(`${lines}\r\n\r\n`));
    expect(message?.tooManyLines).toBe(true);
    expect(message?.lines).toHaveLength(MAX_HEADER_LINES);
  });
});

describe('headers', () => {
  const message = {
    lines: ['action: Login', 'USERNAME:cti', 'Secret:  s3 ', 'Variable: a=1', 'Variable: b=2', 'Action2: x', 'Empty:'],
    lineTooLong: false,
    tooManyLines: false,
  };

  it('matches keys case-insensitively, skips leading blanks, keeps the first match', () => {
    expect(getHeader(message, 'Action')).toBe('Login');
    expect(getHeader(message, 'Username')).toBe('cti');
    expect(getHeader(message, 'Secret')).toBe('s3 ');
    expect(getHeader(message, 'Variable')).toBe('a=1');
    expect(getHeader(message, 'Variable', { last: true })).toBe('b=2');
    expect(getHeader(message, 'Missing')).toBe('');
    expect(getHeader(message, 'Empty', { skipEmpty: true })).toBe('');
    expect(headerValues(message, 'variable')).toEqual(['a=1', 'b=2']);
  });

  it('serializes with CRLF and a terminating blank line, and parses back', () => {
    const text = serializeFrame([
      ['Response', 'Success'],
      ['Value', ''],
    ]);
    expect(text).toBe('Response: Success\r\nValue: \r\n\r\n');
    expect(parseFrames(`${text}Event: Partial\r\n`)).toEqual([
      [
        ['Response', 'Success'],
        ['Value', ''],
      ],
    ]);
  });
});

describe('permissions', () => {
  it('prints privileges the way Asterisk does', () => {
    expect(authorityToString(EventFlag.call)).toBe('call,all');
    expect(authorityToString(EventFlag.dialplan)).toBe('dialplan,all');
    expect(authorityToString(EventFlag.security)).toBe('security,all');
    expect(authorityToString(0)).toBe('<none>');
  });

  it('parses event masks like strings_to_mask', () => {
    expect(stringsToMask('on')).toBe(ALL_CLASSES);
    expect(stringsToMask('off')).toBe(0);
    expect(stringsToMask('')).toBe(INVALID_MASK);
    expect(stringsToMask('system,call')).toBe(EventFlag.system | EventFlag.call);
    expect(stringsToMask('1')).toBe(1);
    expect(wantsEvent(ALL_CLASSES, stringsToMask('call'), EventFlag.call)).toBe(true);
    expect(wantsEvent(ALL_CLASSES, stringsToMask('call'), EventFlag.dtmf)).toBe(false);
  });
});

describe('parseCallerId', () => {
  it('handles the forms Originate accepts', () => {
    expect(parseCallerId('"PSTN Caller" <13800138000>')).toEqual({ name: 'PSTN Caller', number: '13800138000' });
    expect(parseCallerId('A <1004>')).toEqual({ name: 'A', number: '1004' });
    expect(parseCallerId('138-0013 8000')).toEqual({ name: '', number: '13800138000' });
    expect(parseCallerId('Hotline')).toEqual({ name: 'Hotline', number: '' });
    expect(parseCallerId('')).toEqual({ name: '', number: '' });
  });
});
