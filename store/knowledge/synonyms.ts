/**
 * The curated synonyms and abbreviations applied to a knowledge search at query time: citizens say
 * 医保卡 and 丢了, entries are titled 医疗保障卡 and 挂失. A query containing a phrase on the left is
 * also searched with each phrase on the right (the whole query rewritten, then segmented), so the
 * words of both phrasings are looked for.
 *
 * To extend it: a term that belongs to one entry goes into that entry's 关键词 (keywords are indexed
 * with the entry, e.g. `医保卡 社保卡 补卡`) — admins and department editors do that on /knowledge,
 * no release needed. A pair that holds for the whole centre goes here, in the product's code.
 */
export const SYNONYMS: readonly (readonly [string, readonly string[]])[] = [
  ['医保', ['医疗保障', '医疗保险']],
  ['社保', ['社会保险', '社会保障']],
  ['公积金', ['住房公积金']],
  ['身份证', ['居民身份证']],
  ['暂住证', ['居住证']],
  ['丢了', ['丢失', '挂失', '遗失']],
  ['掉了', ['丢失', '挂失', '遗失']],
  ['丢失', ['挂失', '遗失']],
  ['补卡', ['补办']],
  ['取出来', ['提取']],
  ['取钱', ['提取']],
  ['停水', ['停水通知', '供水']],
  ['停电', ['停电通知', '供电']],
  ['没水', ['停水', '供水']],
  ['没电', ['停电', '供电']],
  ['退休金', ['养老金']],
  ['工资', ['薪资', '劳动报酬']],
  ['欠薪', ['拖欠工资', '劳动报酬']],
  ['孩子', ['子女', '儿童']],
  ['上学', ['入学']],
  ['开车', ['机动车']],
  ['驾照', ['驾驶证']],
  ['罚单', ['交通违法']],
  ['12333', ['人力资源和社会保障']],
];

/** The query and its rewrites by the synonym list (each rule applied to the original query). */
export function queryVariants(query: string, synonyms = SYNONYMS): string[] {
  const variants = new Set([query]);
  for (const [phrase, alternatives] of synonyms) {
    if (!query.includes(phrase)) continue;
    for (const alternative of alternatives) variants.add(query.replaceAll(phrase, alternative));
  }
  return [...variants];
}
