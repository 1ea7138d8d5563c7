/**
 * Word segmentation for the knowledge base's full-text search. Chinese has no spaces between words,
 * so text is cut into words (jieba, `@node-rs/jieba`) before it goes into the index and before a
 * query is matched against it. The interface is all the rest of the search knows: both databases'
 * indexes (SQLite's FTS5 table, PostgreSQL's tsvector) hold the same words and are queried with them.
 *
 * Both sides are first brought to Unicode NFKC: Chinese input methods type letters and digits
 * full-width (全角 ＥＴＣ, １２３６６) as easily as half-width, and notices copied from documents mix
 * both; jieba cuts a full-width run into single characters, so without it ＥＴＣ and ETC never meet.
 * Changing what these functions return changes what the index holds: entries already indexed must be
 * indexed again (a migration empties the index, `indexMissingKnowledge` refills it at start-up).
 */
import { createRequire } from 'node:module';

export interface TextSegmenter {
  /** The words of a text to index: fine-grained as well as whole words (医疗 保障 保障卡). */
  forIndex(text: string): string[];
  /** The words of a query, the same granularity as the index so that both sides meet. */
  forQuery(text: string): string[];
}

interface JiebaLike {
  cutForSearch(sentence: string, hmm?: boolean): string[];
}

/** Anything that is a word: letters (any script) or digits; punctuation and spaces are dropped. */
const WORD = /[\p{L}\p{N}]/u;

const normalise = (words: string[]): string[] => words.map((w) => w.trim().toLowerCase()).filter((w) => w !== '' && WORD.test(w));

/**
 * Full-width letters, digits and spaces as their ordinary forms (NFKC): what jieba is given, on both
 * sides. The case is kept for jieba (its dictionary knows T恤, not t恤) and lowered in its words.
 */
export function foldWidth(text: string): string {
  return text.normalize('NFKC');
}

/** A text as the search compares it with the words it found: width folded, lower case. */
export function foldForMatch(text: string): string {
  return foldWidth(text).toLowerCase();
}

let jieba: JiebaLike | null = null;

/** Loading the dictionary takes about 0.2 s: done once per process, on first use. */
function loadJieba(): JiebaLike {
  if (!jieba) {
    // The package is CommonJS with a native binding.
    const require = createRequire(import.meta.url);
    const { Jieba } = require('@node-rs/jieba') as { Jieba: { withDict(dict: Uint8Array): JiebaLike } };
    const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
    jieba = Jieba.withDict(dict);
  }
  return jieba;
}

export const jiebaSegmenter: TextSegmenter = {
  forIndex: (text) => normalise(loadJieba().cutForSearch(foldWidth(text), true)),
  forQuery: (text) => normalise(loadJieba().cutForSearch(foldWidth(text), true)),
};
