/**
 * From what an agent typed to the words searched: synonyms applied, segmented, function words left
 * out, then an FTS5 MATCH expression (SQLite). The words are the dialect-neutral part: another
 * backend builds its own expression from the same list.
 */
import { foldWidth, type TextSegmenter } from './segmenter.js';
import { queryVariants } from './synonyms.js';

/** Words that carry no meaning of their own in a citizen's question. */
const STOP_WORDS = new Set(
  '的 了 吗 呢 吧 啊 呀 么 和 与 及 或 是 在 我 你 他 她 它 我们 想 要 问 问一下 一下 请问 怎么 怎么办 怎么样 怎样 如何 什么 哪里 哪儿 哪些 可以 能 能不能 需要 有 没有 这个 那个 这 那 就 都 也 还 去 来 到 给 把 被 让 对 从 为 为什么 多少 几 个 上 下 里 啥 咋'.split(' '),
);

/** At most this many words are searched (a long ticket text would otherwise make a huge query). */
export const MAX_QUERY_WORDS = 40;

/**
 * The distinct words to look for, in the order they came. Single characters (码, 人, 卡) match far
 * too much on their own: they are searched only when the text has no longer word.
 */
export function queryWords(segmenter: TextSegmenter, text: string, options: { synonyms?: boolean } = {}): string[] {
  const words = new Set<string>();
  const singles = new Set<string>();
  // Width folded before the synonyms too: １２３３３ typed full-width is the 12333 of the list.
  const query = foldWidth(text).trim();
  const variants = options.synonyms === false ? [query] : queryVariants(query);
  for (const variant of variants) {
    for (const word of segmenter.forQuery(variant)) {
      if (STOP_WORDS.has(word)) continue;
      if ([...word].length === 1) singles.add(word);
      else words.add(word);
      if (words.size >= MAX_QUERY_WORDS) return [...words];
    }
  }
  return words.size > 0 ? [...words] : [...singles].slice(0, MAX_QUERY_WORDS);
}

/** FTS5: any of the words (bm25 ranks entries with more, rarer, title words first); null for none. */
export function ftsMatchExpression(words: readonly string[]): string | null {
  if (words.length === 0) return null;
  return words.map((w) => `"${w.replaceAll('"', '""')}"`).join(' OR ');
}

/** The text stored in the index for one field: its words, space-separated. */
export function indexText(segmenter: TextSegmenter, text: string): string {
  return segmenter.forIndex(text).join(' ');
}
