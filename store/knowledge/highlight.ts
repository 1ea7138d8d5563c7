/**
 * Matches shown to agents: the matched words of a text wrapped in `<mark>`, everything else
 * HTML-escaped, so the page may insert the result as HTML. Done on the original text (the index
 * holds segmented text, which reads badly).
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** [start, end) of every match of the words, longest word first, not overlapping, in order. */
function matches(text: string, words: readonly string[]): [number, number][] {
  const lower = text.toLowerCase();
  const taken: [number, number][] = [];
  const free = (s: number, e: number) => taken.every(([a, b]) => e <= a || s >= b);
  for (const word of [...words].filter((w) => w.length > 0).sort((a, b) => b.length - a.length)) {
    for (let at = lower.indexOf(word); at >= 0; at = lower.indexOf(word, at + word.length)) {
      if (free(at, at + word.length)) taken.push([at, at + word.length]);
    }
  }
  return taken.sort((a, b) => a[0] - b[0]);
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
