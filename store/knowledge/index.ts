/** The knowledge base's data and search (see entries.ts, search.ts; segmentation behind segmenter.ts). */
export * from './entries.js';
export * from './search.js';
export { indexMissingKnowledge } from './reindex.js';
export { escapeHtml, highlight, snippet } from './highlight.js';
export { ftsMatchExpression, queryWords } from './search-query.js';
export { jiebaSegmenter, type TextSegmenter } from './segmenter.js';
export { queryVariants, SYNONYMS } from './synonyms.js';
