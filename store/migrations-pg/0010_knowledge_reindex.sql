-- Hand-written: the knowledge index is rebuilt with full-width letters and digits folded to their
-- ordinary forms (NFKC, store/knowledge/segmenter.ts), so that ＥＴＣ and ETC, １２３６６ and 12366
-- meet. The words come from the application's segmenter, which SQL cannot run: the index is emptied
-- here and the server indexes every published entry missing from it at start-up, before it answers
-- searches (store/knowledge/reindex.ts).
DELETE FROM "knowledge_search";
