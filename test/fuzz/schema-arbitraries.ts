/**
 * Arbitraries derived from the JSON schemas the server publishes (its OpenAPI document at
 * `/docs/json`): values that fit a schema but are hostile inside (`fitting`), and near misses made
 * by mutating a fitting value (`mutated`: a field of the wrong type, one missing, one unknown, a huge
 * string, a deep nest…). Whether a generated value is valid is not guessed: `validator` checks it
 * against the same schema, so the fuzz test knows which inputs the server must refuse.
 */
import fc from 'fast-check';
import { Compile } from 'typebox/compile';
import { NASTY_KEYS, anyJson, anyNumber, anyString, stringWithin, type Json } from './hostile-values.js';

/** An OpenAPI 3.0 schema object (JSON Schema plus `nullable`). */
export type Schema = { [key: string]: unknown };

const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);
const schemas = (v: unknown): Schema[] => (Array.isArray(v) ? v.filter(isSchema) : []);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** OpenAPI's `nullable: true` as JSON Schema (`anyOf` with null), everywhere in the tree; `description`s dropped. */
export function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (!isSchema(schema)) return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable' || key === 'description' || key === 'example' || key === 'default') continue;
    out[key] =
      key === 'properties' && isSchema(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v)])) : toJsonSchema(value);
  }
  return schema['nullable'] === true ? { anyOf: [out, { type: 'null' }] } : out;
}

/** A check of values against an OpenAPI schema (compiled once). */
export function validator(schema: Schema): (value: unknown) => boolean {
  const compiled = Compile(toJsonSchema(schema) as never);
  return (value) => compiled.Check(value);
}

/** Ids of things that may or may not exist: mostly small, so that some hit real rows. */
export const someId = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 40 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 ** 31 }) });

const ISO_MIN = Date.parse('2000-01-01T00:00:00Z');
const ISO_MAX = Date.parse('2099-12-31T23:59:59Z');
/** ISO-8601 instants (from fixed bounds, never from the machine's clock). */
export const isoInstant = fc
  .integer({ min: ISO_MIN, max: ISO_MAX })
  .chain((ms) => fc.constantFrom(new Date(ms).toISOString(), new Date(ms).toISOString().replace('.000Z', 'Z'), new Date(ms).toISOString().replace('Z', '+08:00')));

/** Text matching `pattern`, cut to the length limit (what no longer matches after the cut is dropped). */
function patternString(pattern: string, minLength: number, maxLength: number): fc.Arbitrary<string> {
  const regex = new RegExp(pattern);
  return fc
    .stringMatching(regex)
    .map((s) => (s.length > maxLength ? s.slice(0, maxLength) : s))
    .filter((s) => regex.test(s) && s.length >= minLength);
}

/** Values that fit `schema` (or nearly: a cut-down pattern match may not), hostile where the schema lets them be. */
export function fitting(schema: Schema, hint = ''): fc.Arbitrary<Json> {
  if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as Json[]));
  if ('const' in schema) return fc.constant(schema['const'] as Json);
  const anyOf = schemas(schema['anyOf']);
  let arb: fc.Arbitrary<Json>;
  if (anyOf.length > 0) arb = fc.oneof(...anyOf.map((s) => fitting(s, hint)));
  else {
    switch (schema['type']) {
      case 'string': {
        const min = num(schema['minLength']) ?? 0;
        const max = num(schema['maxLength']);
        if (typeof schema['pattern'] === 'string') arb = patternString(schema['pattern'], min, max ?? 200);
        else if (schema['format'] === 'date-time') arb = isoInstant;
        else if (max === undefined) {
          // No limit in the schema: sometimes find out what a really long one does.
          arb = fc.oneof({ weight: 40, arbitrary: stringWithin(min, 200) }, { weight: 1, arbitrary: fc.integer({ min: 5_000, max: 100_000 }).map((n) => '工'.repeat(n)) });
        } else arb = stringWithin(min, max);
        break;
      }
      case 'integer': {
        const min = num(schema['minimum']);
        const max = num(schema['maximum']);
        if (/id$/i.test(hint) && (min ?? 1) >= 1 && max === undefined) arb = someId;
        else {
          const lo = min ?? -1_000_000;
          const hi = max ?? 1_000_000;
          arb = fc.oneof(fc.integer({ min: lo, max: hi }), fc.constantFrom(lo, hi));
        }
        break;
      }
      case 'number':
        arb = fc.double({ min: num(schema['minimum']) ?? -1e6, max: num(schema['maximum']) ?? 1e6, noNaN: true });
        break;
      case 'boolean':
        arb = fc.boolean();
        break;
      case 'null':
        arb = fc.constant(null);
        break;
      case 'array': {
        const items = isSchema(schema['items']) ? schema['items'] : {};
        const minLength = num(schema['minItems']) ?? 0;
        const maxLength = Math.min(num(schema['maxItems']) ?? 4, minLength + 4);
        const item = fitting(items, hint);
        arb =
          schema['uniqueItems'] === true
            ? fc.uniqueArray(item, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
            : fc.array(item, { minLength, maxLength });
        break;
      }
      case 'object':
      case undefined: {
        if (!isSchema(schema['properties']) && !isSchema(schema['additionalProperties'])) {
          arb = schema['type'] === 'object' ? fc.constant({}) : anyJson;
          break;
        }
        arb = fittingObject(schema);
        break;
      }
      default:
        arb = anyJson;
    }
  }
  return schema['nullable'] === true ? fc.oneof(arb, fc.constant(null)) : arb;
}

function fittingObject(schema: Schema): fc.Arbitrary<Json> {
  const properties = isSchema(schema['properties']) ? (schema['properties'] as Record<string, Schema>) : {};
  const required = new Set(Array.isArray(schema['required']) ? (schema['required'] as string[]) : []);
  const model: Record<string, fc.Arbitrary<Json>> = {};
  for (const [name, prop] of Object.entries(properties)) model[name] = fitting(prop, name);
  const requiredKeys = Object.keys(model).filter((k) => required.has(k));
  const fixed = Object.keys(model).length > 0 ? fc.record(model, { requiredKeys }) : fc.constant({});
  const extra = schema['additionalProperties'];
  if (!isSchema(extra)) return fixed;
  // A map (IVR menu options: digit → action): keys the menu allows, and some it does not.
  const keys = fc.oneof(fc.constantFrom('0', '1', '2', '3', '9', '*', '#'), fc.constantFrom(...NASTY_KEYS.filter((k) => k !== '__proto__')), anyString);
  return fc.tuple(fixed, fc.dictionary(keys, fitting(extra), { maxKeys: 4 })).map(([a, b]) => ({ ...b, ...a }));
}

// ---- mutations: near misses of a fitting value ----

type Path = (string | number)[];

/** Every path into a JSON value (the root is `[]`). */
function paths(value: Json, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...at, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...at, k], out);
  return out;
}

function getAt(value: Json, path: Path): Json | undefined {
  let cur: Json | undefined = value;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? cur[p as number] : (cur as Record<string, Json>)[p as string];
  }
  return cur;
}

/** A copy of `value` with the node at `path` replaced (or removed when `replacement` is undefined). */
function setAt(value: Json, path: Path, replacement: Json | undefined): Json | undefined {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string | number, ...Path];
  if (Array.isArray(value)) {
    const copy = [...value];
    const next = setAt(copy[head as number] ?? null, rest, replacement);
    if (next === undefined) copy.splice(head as number, 1);
    else copy[head as number] = next;
    return copy;
  }
  if (value && typeof value === 'object') {
    const copy: Record<string, Json> = { ...value };
    const next = setAt(copy[head as string] ?? null, rest, replacement);
    if (next === undefined) delete copy[head as string];
    else copy[head as string] = next;
    return copy;
  }
  return value;
}

const wrongShape: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  anyNumber,
  anyString,
  fc.constant<Json>([]),
  fc.constant<Json>({}),
  anyJson,
  fc.integer({ min: 50, max: 400 }).map((depth) => {
    let v: Json = 1;
    for (let i = 0; i < depth; i++) v = [v];
    return v;
  }),
);

export interface Mutation {
  value: Json | undefined;
  /** What was done, for the report: e.g. `replace /skills/0/level`. */
  how: string;
}

const pointer = (path: Path) => '/' + path.join('/');

/** One to three mutations of a fitting value. */
export function mutated(base: fc.Arbitrary<Json>): fc.Arbitrary<Mutation> {
  const one = (value: Json, how: string[]): fc.Arbitrary<Mutation> => {
    const all = paths(value);
    return fc.tuple(fc.constantFrom(...all), fc.nat({ max: 7 }), wrongShape, fc.constantFrom(...NASTY_KEYS.filter((k) => k !== '__proto__')), anyString).map(
      ([path, kind, replacement, key, text]) => {
        const node = getAt(value, path);
        switch (kind) {
          case 0:
          case 1:
            return { value: setAt(value, path, replacement), how: [...how, `replace ${pointer(path)}`].join(', ') };
          case 2:
            return path.length > 0
              ? { value: setAt(value, path, undefined), how: [...how, `remove ${pointer(path)}`].join(', ') }
              : { value: replacement, how: [...how, 'replace /'].join(', ') };
          case 3:
            if (node && typeof node === 'object' && !Array.isArray(node)) {
              return { value: setAt(value, path, { ...node, [key]: replacement }), how: [...how, `add ${pointer([...path, key])}`].join(', ') };
            }
            return { value: setAt(value, path, [node ?? null]), how: [...how, `wrap ${pointer(path)}`].join(', ') };
          case 4:
            return { value: setAt(value, path, typeof node === 'string' ? node + text : text), how: [...how, `text ${pointer(path)}`].join(', ') };
          case 5:
            return { value: setAt(value, path, typeof node === 'string' ? node.repeat(50) + 'x'.repeat(300) : 'x'.repeat(70_000)), how: [...how, `huge ${pointer(path)}`].join(', ') };
          case 6:
            return { value: setAt(value, path, typeof node === 'number' ? -node - 1 : typeof node === 'string' ? Number(node) || 0 : JSON.stringify(node ?? null)), how: [...how, `retype ${pointer(path)}`].join(', ') };
          default:
            return { value: setAt(value, path, typeof node === 'number' ? node + 0.5 : typeof node === 'boolean' ? String(node) : null), how: [...how, `nudge ${pointer(path)}`].join(', ') };
        }
      },
    );
  };
  return base.chain((value) =>
    one(value, []).chain((m) => (m.value === undefined ? fc.constant(m) : fc.oneof({ weight: 3, arbitrary: fc.constant(m) }, { weight: 1, arbitrary: one(m.value, [m.how]) }))),
  );
}
