/**
 * The request validator of every route: TypeBox's compiled check of exactly what the schema says
 * (unknown fields refused, never dropped; no type coercion in bodies) with a strict reading of path
 * parameters and query strings, which arrive as text. Only canonical text becomes a number or a
 * boolean: `12` → 12, but `0x2`, `1e1`, ` 1`, `01`, `1.9` (for an integer), `true` (for a number) or
 * `Infinity` stay text and fail the check — TypeBox's own conversion would read them all as numbers.
 * Missing query fields with a schema default get the default. A union's errors are narrowed to the
 * branch the value meant (error-replies.ts `narrowUnions`).
 */
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { narrowUnions } from './error-replies.js';

const INTEGER = /^-?(0|[1-9][0-9]{0,15})$/;
const NUMBER = /^-?(0|[1-9][0-9]{0,15})(\.[0-9]{1,15})?$/;

interface SchemaShape {
  type?: string | string[];
  anyOf?: SchemaShape[];
  properties?: Record<string, SchemaShape>;
  default?: unknown;
}

/** The types a property accepts (through unions such as `Nullable`). */
function typesOf(schema: SchemaShape): string[] {
  if (schema.anyOf) return schema.anyOf.flatMap(typesOf);
  return schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
}

function readText(text: string, schema: SchemaShape): unknown {
  const types = typesOf(schema);
  if (types.includes('string')) return text;
  if (types.includes('integer') && INTEGER.test(text)) return Number(text);
  if (types.includes('number') && NUMBER.test(text)) return Number(text);
  if (types.includes('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  if (types.includes('null') && text === 'null') return null;
  return text;
}

function readParts(schema: SchemaShape, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !schema.properties) return value;
  const input = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(input)) {
    const property = schema.properties[key];
    out[key] = property && typeof raw === 'string' ? readText(raw, property) : raw;
  }
  for (const [key, property] of Object.entries(schema.properties)) {
    if (!(key in out) && property.default !== undefined) out[key] = property.default;
  }
  return out;
}

export const strictValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = Compile(schema);
  return (value: unknown) => {
    const read = httpPart === 'body' ? value : readParts(schema, value);
    if (check.Check(read)) return { value: read };
    return { error: narrowUnions(check.Errors(read), schema, read) };
  };
};
