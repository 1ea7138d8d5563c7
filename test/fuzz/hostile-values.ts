/**
 * The raw material of the fuzz tests: strings, keys and numbers that break careless code — control
 * characters and NUL, bidi overrides, lone surrogates, SQL and LIKE meta characters, prototype keys,
 * huge values, deep nesting — as fast-check arbitraries.
 */
import fc from 'fast-check';

/** Single characters that have broken parsers, databases, logs and terminals before. */
export const NASTY_CHARS = [
  '\u0000', // NUL
  '\u0001',
  '\u0007',
  '\u001b', // ESC (terminal escapes in logs)
  '\u007f',
  '\r',
  '\n',
  '\t',
  '\u0085', // NEL
  '\u00a0', // no-break space
  '\u200b', // zero width space
  '\u200d', // zero width joiner
  '\u200e', // left-to-right mark
  '\u202a',
  '\u202e', // right-to-left override
  '\u2066',
  '\u2067',
  '\u2069', // pop directional isolate
  '\u2028', // line separator (breaks JS string literals)
  '\u2029',
  '\ufeff', // byte order mark
  '\ufffd',
  '\uffff',
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  '\udbff\udfff', // U+10FFFF
  '😀',
  '👨‍👩‍👧',
  '１', // full-width digit
  '〇',
  '工',
  'İ', // case mapping changes length
  'ß',
  'ﬀ',
  '%',
  '_',
  '\\',
  "'",
  '"',
  '`',
  ';',
  '--',
  '/*',
  '*/',
  '$',
  '{',
  '}',
  '<',
  '>',
  '&',
  '#',
  '?',
  '/',
  '..',
  ':',
  '=',
  '+',
  '*',
  '@',
  '|',
  ',',
];

/** Whole strings that mean something to a database, a shell, a template or an HTML page. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '  leading and trailing  ',
  "' OR '1'='1",
  "'; DROP TABLE agents; --",
  '" OR ""="',
  '1; DELETE FROM tickets',
  "admin'--",
  '%',
  '%%',
  '_',
  '%_%',
  '\\%',
  '\\',
  '\\\\',
  'a%b_c\\d',
  '*',
  '?',
  '[a-z]',
  '.*',
  '(?:)',
  '^$',
  'NULL',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '00',
  '1e309',
  '0x10',
  'true',
  'false',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  '${7*7}',
  '{{7*7}}',
  '<%= 7*7 %>',
  '#{7*7}',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '/dev/null',
  'file:///etc/passwd',
  '$(reboot)',
  '`reboot`',
  '|| true',
  '\r\nSet-Cookie: x=1',
  'Event: Hangup\r\nChannel: PJSIP/1001\r\n\r\n',
  'PJSIP/1001',
  'PJSIP/12366@trunk',
  'Local/1001@agents',
  '12345',
  '110',
  '13800138000',
  '+8613800138000',
  '2026-06-10T02:00:00.000Z',
  '9999-12-31T23:59:59Z',
  '0000-00-00',
  '王芳',
  '综合受理',
  '\u202eevil\u202c',
  'a\u0000b',
  '\ud800\ud800',
  'x'.repeat(65),
  'x'.repeat(257),
  '工'.repeat(33),
  '😀'.repeat(40),
];

/** Object keys that poison prototypes or confuse lookups. */
export const NASTY_KEYS = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', '__defineGetter__', '', ' ', 'id', 'type', '$ref', 'a.b', 'a[b]', '0', '-1', '\u0000', '😀'];

const nastyChar = fc.constantFrom(...NASTY_CHARS);

/** Any string: printable, full Unicode, control characters, or built from the nasty pieces. */
export const anyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.array(fc.oneof(nastyChar, fc.string({ maxLength: 3 })), { maxLength: 12 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('x', '工', '\u0000', '%', '😀', "'"), fc.integer({ min: 60, max: 5000 })).map(([c, n]) => c.repeat(n)) },
);

/** A string of exactly the lengths a schema allows (counted as JavaScript counts), hostile inside. */
export function stringWithin(minLength = 0, maxLength = 200): fc.Arbitrary<string> {
  const max = Math.max(minLength, Math.min(maxLength, 5000));
  const fit = (s: string): string => {
    let out = s.length > max ? s.slice(0, max) : s;
    while (out.length < minLength) out += s.length > 0 ? s : 'x';
    return out.length > max ? out.slice(0, max) : out;
  };
  return fc.oneof(
    { weight: 6, arbitrary: anyString.map(fit) },
    // The boundaries themselves.
    { weight: 1, arbitrary: fc.constantFrom('x', '工', '😀', '%', '\u202e').map((c) => fit(c.repeat(max))) },
    { weight: 1, arbitrary: fc.constantFrom('x', '工', '_').map((c) => fit(c.repeat(Math.max(minLength, 1)))) },
  );
}

/** Numbers at the edges of what JSON and JavaScript can hold. */
export const NASTY_NUMBERS = [0, -0, 1, -1, 0.5, -0.5, 1e-7, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53 + 2, -(2 ** 53), 1e21, 1e300, -1e300, Number.MIN_VALUE];

export const anyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(...NASTY_NUMBERS),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Nested arrays or objects `depth` deep: `[[[…]]]` or `{"a":{"a":…}}`, as text (built without recursion). */
export function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** A JSON value of any shape, hostile strings and keys included (no `__proto__` own keys: see `protoBodies`). */
export const anyJson: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    anyNumber,
    anyString,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(anyString, fc.constantFrom(...NASTY_KEYS.filter((k) => k !== '__proto__'))), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Bodies that are not what a JSON API expects at all, as raw text. */
export const NASTY_BODIES = [
  '',
  ' ',
  'null',
  'true',
  '0',
  '"x"',
  '[]',
  '{',
  '}',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  '{"a":1}{"b":2}',
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":undefined}',
  '{"a":1e99999}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"isAdmin":true}}}',
  '{"a":1,"a":2}',
  '\u0000',
  '\ufeff{}',
  '<xml/>',
  'a=1&b=2',
  deepJson(10_000, 'array'),
  deepJson(10_000, 'object'),
  deepJson(200, 'array'),
];

/** Content types a client might (wrongly) send with a body. */
export const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/octet-stream',
  '',
];
