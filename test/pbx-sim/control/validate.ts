/** Checks for control API request bodies: clear `{error}` answers naming the offending field. */
import { HttpError } from '../ari/http.js';

export type Body = Record<string, unknown>;

export function fail(status: number, message: string): never {
  throw new HttpError(status, message, 'control');
}

/** The body as an object with only `allowed` keys (an absent body is `{}`). */
export function objectBody(body: unknown, allowed: string[]): Body {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) fail(400, 'request body must be a JSON object');
  const obj = body as Body;
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) fail(400, `unknown field '${key}' (allowed: ${allowed.join(', ')})`);
  }
  return obj;
}

export function optString(obj: Body, key: string): string | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') fail(400, `field '${key}' must be a string`);
  return v;
}

export function reqString(obj: Body, key: string): string {
  const v = optString(obj, key);
  if (v === undefined || v.trim() === '') fail(400, `field '${key}' is required (a non-empty string)`);
  return v.trim();
}

export function optBool(obj: Body, key: string): boolean | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') fail(400, `field '${key}' must be true or false`);
  return v;
}

export function optNumber(obj: Body, key: string, min: number, max: number): number | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(400, `field '${key}' must be a number from ${min} to ${max}`);
  return v;
}

export function optEnum<T extends string>(obj: Body, key: string, values: readonly T[]): T | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  const found = values.find((x) => x === v);
  if (found === undefined) fail(400, `field '${key}' must be one of ${values.map((x) => `"${x}"`).join(', ')}`);
  return found;
}
