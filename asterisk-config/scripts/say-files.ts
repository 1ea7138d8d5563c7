/**
 * Asterisk's own sound files behind the `number:` and `digits:` media the server plays (queue
 * position, ticket number). In language zh, main/say.c (ast_say_number_full_zh) reads a number as
 * digits/<n>, digits/<tens>, digits/hundred, digits/thousand, digits/wan and digits/yi, and a digit
 * string as digits/0-9, star and pound. Asterisk ships these in English only; without them a
 * Mandarin caller hears English digits or nothing.
 */
const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

export const ZH_SAY_FILES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(DIGITS.map((text, n) => [`digits/${n}`, text])),
  ...Object.fromEntries(DIGITS.slice(1).map((text, n) => [`digits/${(n + 1) * 10}`, n === 0 ? '十' : `${text}十`])),
  'digits/hundred': '百',
  'digits/thousand': '千',
  'digits/wan': '万',
  'digits/yi': '亿',
  'digits/minus': '负',
  'digits/star': '星号',
  'digits/pound': '井号',
};
