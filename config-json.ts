/**
 * Where the JSON of a setting (the CTI_CONFIG file, CTI_NODES) goes wrong, said without quoting it.
 * V8's JSON.parse message quotes the text around the mistake — in a settings file as likely as not a
 * secret (a password pasted without its quotes) — and the refusal goes to the service log. This
 * reads the text once more, by JSON's grammar (RFC 8259), only to find the first character that
 * cannot be there.
 */

class Stop extends Error {
  constructor(readonly at: number) {
    super(`not JSON from offset ${at}`);
  }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const LITERALS = ['true', 'false', 'null'];
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/** The offset of the first character that breaks `text` as JSON (`text.length`: it ends too soon); null when it is valid. */
export function jsonErrorOffset(text: string): number | null {
  let i = 0;
  const fail = (): never => {
    throw new Stop(i);
  };
  const space = () => {
    while (i < text.length && WHITESPACE.has(text[i] ?? '')) i++;
  };
  const expect = (char: string) => {
    space();
    if (text[i] !== char) fail();
    i++;
  };
  const string = () => {
    expect('"');
    for (;;) {
      const c = text[i];
      if (c === undefined || c < ' ') fail();
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        i++;
        const e = text[i] ?? '';
        if (e === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) {
              i += k;
              fail();
            }
          }
          i += 4;
        } else if (!ESCAPES.has(e)) fail();
      }
      i++;
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (close === '}') {
          string();
          expect(':');
        }
        value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] === close) {
          i++;
          return;
        } else fail();
      }
    }
    if (c === '"') return string();
    const word = LITERALS.find((w) => w[0] === c);
    if (word === undefined) return number();
    for (const char of word) {
      if (text[i] !== char) fail();
      i++;
    }
  };
  const digits = () => {
    if (!isDigit(text[i])) fail();
    while (isDigit(text[i])) i++;
  };
  const number = () => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  try {
    value();
    space();
    if (i < text.length) fail();
    return null;
  } catch (stop) {
    if (stop instanceof Stop) return stop.at;
    throw stop;
  }
}

/** Where `text` stops being JSON: `at line 3, column 17`, `the text ends too soon, at line …`, or `the text is empty`. */
export function jsonErrorPlace(text: string): string {
  if (text.trim() === '') return 'the text is empty';
  const at = jsonErrorOffset(text) ?? text.length;
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const column = at - (before.lastIndexOf('\n') + 1) + 1;
  const place = `line ${line}, column ${column}`;
  return at >= text.length ? `the text ends too soon, at ${place}` : `at ${place}`;
}
