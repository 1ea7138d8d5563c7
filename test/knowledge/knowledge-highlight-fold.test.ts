/**
 * Highlighting looks for the searched words in the text folded as the search folds it (NFKC, lower
 * case) and marks the characters of the text as written. Most texts fold one character for one
 * (highlight.ts's ONE_FOR_ONE, checked here character by character); the others — a character that
 * folds to several (…, ㍻), a letter with a combining accent — still have each match mark the
 * characters it came from, whole.
 */
import { describe, expect, it } from 'vitest';
import { highlight, ONE_FOR_ONE, snippet } from '../../store/knowledge/highlight.js';

const fold = (text: string) => text.normalize('NFKC').toLowerCase();

describe('highlighting folded text', () => {
  it('ONE_FOR_ONE holds only characters that fold to one unit and compose with nothing', () => {
    let checked = 0;
    for (let code = 0; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const c = String.fromCharCode(code);
      if (!ONE_FOR_ONE.test(c)) continue;
      checked++;
      expect(fold(c).length, `U+${code.toString(16)}`).toBe(1);
      // Not a combining mark nor a Hangul jamo: nothing composes with the character before it.
      expect(/\p{M}/u.test(c) || /\p{Script=Hangul}/u.test(c), `U+${code.toString(16)}`).toBe(false);
    }
    expect(checked).toBeGreaterThan(20_000);
  });

  it('marks full-width letters and digits as written, for half-width words', () => {
    expect(highlight('ＥＴＣ 通行费，拨打１２３６６。', ['etc', '12366'])).toBe('<mark>ＥＴＣ</mark> 通行费，拨打<mark>１２３６６</mark>。');
  });

  it('marks a character that folds to several, or carries a combining accent, whole', () => {
    // … is three dots folded: the text takes the slow path, and the marks still land on the original.
    expect(highlight('㍻年间……ＥＴＣ', ['平成', 'etc'])).toBe('<mark>㍻</mark>年间……<mark>ＥＴＣ</mark>');
    expect(highlight('Cafe\u0301 ＡＰＰ', ['café', 'app'])).toBe('<mark>Cafe\u0301</mark> <mark>ＡＰＰ</mark>');
    // Two words inside one character are one mark.
    expect(highlight('㍻', ['平', '成'])).toBe('<mark>㍻</mark>');
    // The snippet's window is cut from the text as written: the last 20 characters here.
    expect(snippet('前言……'.repeat(40) + '高速公路ＥＴＣ通行费', ['etc'], 20)).toBe('…' + '……前言……前言……高速公路<mark>ＥＴＣ</mark>通行费');
  });
});
