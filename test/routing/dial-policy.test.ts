/**
 * The numbers an agent may dial (外呼, 回拨): the centre's directory, the emergency lines and citizens'
 * mobile and fixed numbers; international, premium-rate and short service numbers are refused with
 * a reason the agent can read.
 */
import { describe, expect, it } from 'vitest';
import { dialKind, dialRefusal } from '../../routing/dial-policy.js';

const directory = new Set(['02361230001', '12366']);

describe('dial policy', () => {
  it('allows the directory, the emergency lines, mobiles and fixed lines', () => {
    expect(dialKind('02361230001', directory)).toBe('directory');
    expect(dialKind('12366', directory)).toBe('directory');
    for (const line of ['110', '119', '120', '122']) expect(dialKind(line, directory)).toBe('emergency');
    expect(dialKind('13800138000', directory)).toBe('mobile');
    expect(dialKind('19912345678', directory)).toBe('mobile');
    expect(dialKind('63861234', directory)).toBe('fixed');
    expect(dialKind('02363861234', directory)).toBe('fixed');
    expect(dialKind('07552345678', directory)).toBe('fixed');
    expect(dialRefusal('13800138000', directory)).toBeNull();
  });

  it('refuses international, premium-rate and short service numbers, saying what may be dialled', () => {
    for (const number of ['0085212345678', '1900123456', '16812345678', '95588', '12315', '10086', '12800138000', '0123']) {
      expect(dialKind(number, directory), number).toBeNull();
      expect(dialRefusal(number, directory)).toBe(
        `不能外呼 ${number}：只能拨打部门通讯录、分中心、紧急热线（110/119/120/122）、本地固话、带区号的固话或手机号码`,
      );
    }
  });

  it('allows a mobile with the leading 0 carriers put before an out-of-area mobile caller, and no premium-rate line behind a 0', () => {
    // How the missed call presented the caller: its callback (漏接回拨, 回拨) dials it back as it came.
    for (const number of ['013800138000', '019912345678', '015012345678']) {
      expect(dialKind(number, directory), number).toBe('mobile');
      expect(dialRefusal(number, directory), number).toBeNull();
    }
    for (const number of ['016812345678', '01900123456', '012800138000', '0138001380001', '01380013800']) {
      expect(dialKind(number, directory), number).toBeNull();
    }
  });

  it('refuses premium-rate 168 / 1900 lines written with an area code, and still allows real area codes', () => {
    // The local forms are refused, and so are the same lines behind 010 or 02X: the area code is not read as one digit longer.
    for (const number of ['16812345', '01016812345', '010168123456', '02316881234', '01019001234', '075516812345']) {
      expect(dialKind(number, directory), number).toBeNull();
    }
    for (const number of ['01062345678', '02163861234', '05512345678', '057188012345', '09912345678']) {
      expect(dialKind(number, directory), number).toBe('fixed');
    }
  });
});
