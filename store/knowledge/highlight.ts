/**
 * Matches shown to agents: the matched words of a text wrapped in `<mark>`, everything else
 * HTML-escaped, so the page may insert the result as HTML. Done on the original text (the index
 * holds segmented text, which reads badly): the words are looked for in the text folded as the search
 * folds it (full-width ＥＴＣ is etc, segmenter.ts), and each match marks the characters of the
 * original it came from, so the agent sees ＥＴＣ marked as written.
 */
import { foldForMatch } from './segmenter.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const MARK = /^\p{M}$/u;

/** The UTF-16 length of the code point at `at` (2 for one outside the BMP). */
const unitsAt = (text: string, at: number): number => ((text.codePointAt(at) ?? 0) > 0xffff ? 2 : 1);

/** Folds of single characters: an entry's text repeats few of them, and folding is the costly part. */
const foldings = new Map<string, string>();
function foldCharacter(character: string): string {
  let fold = foldings.get(character);
  if (fold === undefined) {
    fold = foldForMatch(character);
    if (foldings.size < 20_000) foldings.set(character, fold);
  }
  return fold;
}

/**
 * Characters that fold to exactly one UTF-16 unit and never compose with their neighbours (checked
 * one by one, test/knowledge/knowledge-highlight-fold.test.ts): ASCII, the CJK ideographs and
 * punctuation, the full-width forms, the dashes and quotes Chinese text uses. A text of nothing else —
 * most entries — folds in one go, each character where it was.
 */
export const ONE_FOR_ONE =
  /^[\t\n\r\u0020-\u007E\u00B7\u2010-\u2016\u2018-\u2023\u3000-\u3029\u3030-\u303F\u3400-\u4DBF\u4E00-\u9FFF\uFF01-\uFF60\uFFE0-\uFFE2\uFFE4-\uFFE6]*$/u;

/**
 * The text folded for matching, and for each of its UTF-16 units the [start, end) of the original
 * character it came from (null: the same place, one for one). Otherwise folded a character (with the
 * combining marks after it) at a time, so that one whose folded form is longer or shorter (㍻ → 平成,
 * e + ◌́ → é) still maps onto itself whole.
 */
function folded(text: string): { folded: string; starts: number[]; ends: number[] } | { folded: string; starts: null; ends: null } {
  if (ONE_FOR_ONE.test(text)) return { folded: foldForMatch(text), starts: null, ends: null };
  let out = '';
  const starts: number[] = [];
  const ends: number[] = [];
  for (let at = 0; at < text.length; ) {
    let next = at + unitsAt(text, at);
    // Combining marks are all at U+0300 or above: the cheap test first.
    while (next < text.length && text.charCodeAt(next) >= 0x300 && MARK.test(String.fromCodePoint(text.codePointAt(next) ?? 0))) next += unitsAt(text, next);
    const fold = foldCharacter(text.slice(at, next));
    for (let i = 0; i < fold.length; i++) {
      starts.push(at);
      ends.push(next);
    }
    out += fold;
    at = next;
  }
  return { folded: out, starts, ends };
}

/** [start, end) in `text` of every match of the words, longest word first, not overlapping, in order. */
function matches(text: string, words: readonly string[]): [number, number][] {
  const { folded: haystack, starts, ends } = folded(text);
  const taken: [number, number][] = [];
  const free = (s: number, e: number) => taken.every(([a, b]) => e <= a || s >= b);
  for (const word of [...words].filter((w) => w.length > 0).sort((a, b) => b.length - a.length)) {
    for (let at = haystack.indexOf(word); at >= 0; at = haystack.indexOf(word, at + word.length)) {
      if (free(at, at + word.length)) taken.push([at, at + word.length]);
    }
  }
  // Back onto the original characters; two matches inside one of them (平 and 成 of ㍻) become one.
  const spans: [number, number][] = [];
  for (const [s, e] of taken.sort((a, b) => a[0] - b[0])) {
    const start = starts ? (starts[s] ?? text.length) : s;
    const end = ends ? (ends[e - 1] ?? text.length) : e;
    const last = spans.at(-1);
    if (last && start < last[1]) last[1] = Math.max(last[1], end);
    else spans.push([start, end]);
  }
  return spans;
}

function marked(text: string, from: number, to: number, spans: [number, number][]): string {
  let out = '';
  let at = from;
  for (const [s, e] of spans) {
    if (e <= from || s >= to) continue;
    const start = Math.max(s, from);
    const end = Math.min(e, to);
    out += escapeHtml(text.slice(at, start)) + `<mark>${escapeHtml(text.slice(start, end))}</mark>`;
    at = end;
  }
  return out + escapeHtml(text.slice(at, to));
}

/** The whole text with its matches marked. */
export function highlight(text: string, words: readonly string[]): string {
  return marked(text, 0, text.length, matches(text, words));
}

/**
 * About `length` characters of the text around its first match, marked, with … where it was cut;
 * the start of the text when nothing matches.
 */
export function snippet(text: string, words: readonly string[], length = 90): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const spans = matches(flat, words);
  const first = spans[0]?.[0] ?? 0;
  const from = Math.max(0, Math.min(first - Math.floor(length / 4), flat.length - length));
  const to = Math.min(flat.length, from + length);
  return `${from > 0 ? '…' : ''}${marked(flat, from, to, spans)}${to < flat.length ? '…' : ''}`;
}
