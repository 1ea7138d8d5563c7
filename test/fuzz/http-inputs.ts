/**
 * Generated HTTP requests for every operation of the server's OpenAPI document: path parameters,
 * query strings, bodies, content types and tokens, fitting or hostile. Each request says whether
 * the server must refuse it (`mustRefuse`, with the reasons), judged against the very schema the
 * server publishes for the operation (plus the meaning of a date: `2026-02-30` is no day).
 */
import fc from 'fast-check';
import Type from 'typebox';
import Value from 'typebox/value';
import { CONTENT_TYPES, NASTY_BODIES, NASTY_STRINGS, anyString, type Json } from './hostile-values.js';
import { fitting, mutated, validator, type Schema } from './schema-arbitraries.js';

export type Surface = 'admin-api' | 'tickets' | 'calendar' | 'auth';
export type Role = 'admin' | 'supervisor' | 'agent';

interface Param {
  name: string;
  schema: Schema;
  required: boolean;
  check: (value: unknown) => boolean;
}

export interface Operation {
  /** e.g. `PATCH /api/v1/routes/{id}` */
  key: string;
  method: string;
  template: string;
  surface: Surface;
  /** `x-roles` of the admin API; null where the route checks roles itself. */
  roles: Role[] | null;
  params: Param[];
  query: Param[];
  body: { schema: Schema; required: boolean; check: (value: unknown) => boolean } | null;
  /** Top-level body fields of free text (no pattern, no format): stored as given, so read back the same. */
  freeText: string[];
}

export interface HttpInput {
  op: string;
  surface: Surface;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Why the server must refuse it (empty: it may accept it). */
  mustRefuse: string[];
  /** Free-text fields sent, for the read-back check of an accepted create or change. */
  freeText: Record<string, string>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function surfaceOf(template: string): Surface | null {
  if (template.startsWith('/api/v1/auth/')) return 'auth';
  if (template.startsWith('/api/v1/calendar')) return 'calendar';
  if (template.startsWith('/api/v1/tickets')) return 'tickets';
  if (template.startsWith('/api/v1/')) return 'admin-api';
  return null;
}

/** The operations of the OpenAPI document that take input (everything under `/api/v1`). */
export function operationsOf(doc: unknown): Operation[] {
  const paths = isObject(doc) && isObject(doc['paths']) ? doc['paths'] : {};
  const out: Operation[] = [];
  for (const [template, item] of Object.entries(paths)) {
    const surface = surfaceOf(template);
    if (!surface || !isObject(item)) continue;
    for (const [method, raw] of Object.entries(item)) {
      if (!isObject(raw)) continue;
      const params: Param[] = [];
      const query: Param[] = [];
      for (const p of Array.isArray(raw['parameters']) ? raw['parameters'] : []) {
        if (!isObject(p) || !isObject(p['schema']) || typeof p['name'] !== 'string') continue;
        // A parameter with a default is required only on paper: the server fills it in.
        const required = p['required'] === true && !('default' in p['schema']);
        const param = { name: p['name'], schema: p['schema'], required, check: validator(p['schema']) };
        if (p['in'] === 'path') params.push(param);
        else if (p['in'] === 'query') query.push(param);
      }
      const content = isObject(raw['requestBody']) && isObject(raw['requestBody']['content']) ? raw['requestBody']['content'] : {};
      const json = isObject(content['application/json']) && isObject(content['application/json']['schema']) ? content['application/json']['schema'] : null;
      const properties = json && isObject(json['properties']) ? json['properties'] : {};
      const freeText = Object.entries(properties)
        .filter(([name, s]) => isObject(s) && s['type'] === 'string' && !('pattern' in s) && !('format' in s) && !('enum' in s) && name !== 'password')
        .map(([name]) => name);
      const roles = Array.isArray(raw['x-roles']) ? (raw['x-roles'] as Role[]) : null;
      out.push({
        key: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        surface,
        roles,
        params,
        query,
        body: json ? { schema: json, required: isObject(raw['requestBody']) && raw['requestBody']['required'] === true, check: validator(json) } : null,
        freeText,
      });
    }
  }
  return out;
}

// ---- parameters and query strings (text on the wire) ----

/** Percent-encoding that also takes lone surrogates (as their UTF-8 replacement, like a browser). */
export function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
}

/** Raw (already encoded) garbage for a path segment or query value. */
const RAW_GARBAGE = ['%', '%zz', '%00', '%ED%A0%80', '%C0%AF', '%FF', '%2e%2e', '%2F', '%5C', '%25', '%0d%0a', '..', '.', '+', '%20'];

/** Text a server might mistake for a number or a boolean. */
const NUMBERISH = ['0', '-1', '1.5', '1.0', '01', '+1', ' 1', '1 ', '0x10', '0b1', '0o7', '1e1', '1e400', 'true', 'false', 'null', 'NaN', 'Infinity', '１', '9'.repeat(25), '9007199254740993', '2147483648', '1,2', '1;2', '[1]', '{}'];

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** `YYYY-MM-DD` that is a day of the Gregorian calendar. */
export const isRealDay = (text: string): boolean => {
  const m = DAY.exec(text);
  if (!m) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
};

/** Whether a parameter's wire text (decoded) is exactly a value of its schema, written the plain way. */
function paramFits(param: Param, text: string): boolean {
  const type = param.schema['type'];
  if (type === 'integer' || type === 'number') {
    return /^-?(0|[1-9][0-9]*)$/.test(text) && param.check(Number(text));
  }
  if (type === 'boolean') return text === 'true' || text === 'false';
  if (!param.check(text)) return false;
  const pattern = param.schema['pattern'];
  if (typeof pattern === 'string' && pattern.includes('\\d{4}-\\d{2}-\\d{2}')) return isRealDay(text);
  return true;
}

interface WireValue {
  /** As it goes on the wire (encoded). */
  wire: string;
  /** Whether it is exactly a value of the schema (null: cannot tell, e.g. percent-encoding that does not decode). */
  fits: boolean | null;
}

/** Raw wire text judged by what it decodes to (a query also turns `+` into a space). */
function rawValue(param: Param, wire: string, inQuery: boolean): WireValue {
  try {
    return { wire, fits: paramFits(param, decodeURIComponent(inQuery ? wire.replace(/\+/g, ' ') : wire)) };
  } catch {
    return { wire, fits: null };
  }
}

function paramValue(param: Param, context: FuzzContext, op: Operation, inQuery: boolean): fc.Arbitrary<WireValue> {
  const asText = (v: Json): string => (typeof v === 'string' ? v : JSON.stringify(v));
  const known: fc.Arbitrary<string>[] = [];
  if (param.name === 'number' && context.ticketNumbers.length > 0) known.push(fc.constantFrom(...context.ticketNumbers));
  if (param.name === 'date') known.push(fc.constantFrom('2026-06-10', '2026-10-01', '2026-02-29', '2026-02-30', '2027-02-29', '0000-00-00', '2026-13-01', '9999-12-31', '2026-06-31'));
  const text = fc.oneof(
    { weight: 6, arbitrary: fitting(param.schema, param.name).map(asText) },
    ...(known.length > 0 ? [{ weight: 4, arbitrary: fc.oneof(...known) }] : []),
    { weight: 2, arbitrary: fc.constantFrom(...NUMBERISH) },
    { weight: 2, arbitrary: anyString },
  );
  const plain = text
    .filter((t) => t.length > 0 && !(op.template.startsWith('/api/v1/agents/') && touchesProtectedAgent(t, context)))
    .map((t) => ({ wire: encode(t), fits: paramFits(param, t) }));
  return fc.oneof({ weight: 12, arbitrary: plain }, { weight: 1, arbitrary: fc.constantFrom(...RAW_GARBAGE).map((g) => rawValue(param, g, inQuery)) });
}

/**
 * The accounts the fuzz test logs in with must keep working: no generated change may touch them
 * (ids are compared the way the server converts them, so `0x1` or `true` count as 1).
 */
function touchesProtectedAgent(text: string, context: FuzzContext): boolean {
  const converted: unknown = Value.Convert(IdParam, { id: text });
  const id = typeof converted === 'object' && converted !== null && 'id' in converted ? converted.id : undefined;
  return typeof id === 'number' && context.protectedAgentIds.includes(id);
}
/** An id parameter as the admin API declares it (TypeBox converts only its own schemas). */
const IdParam = Type.Object({ id: Type.Integer({ minimum: 1 }) });

// ---- tokens ----

export interface FuzzContext {
  tokens: Record<Role, string>;
  /** Sessions of their own for `logout` to end (it would end the fuzz test's own otherwise). */
  disposable: string[];
  ticketNumbers: string[];
  protectedAgentIds: number[];
}

type TokenChoice = { role: Role | null; header: Record<string, string>; query?: string; label: string };

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function tokenChoices(context: FuzzContext, op: Operation): fc.Arbitrary<TokenChoice> {
  // `logout` ends the session it is given: it gets sessions of its own, never the test's.
  const isLogout = op.template.endsWith('/logout');
  const d = context.disposable;
  const { admin, supervisor, agent } = isLogout && d.length >= 3 ? { admin: d[0] as string, supervisor: d[1] as string, agent: d[2] as string } : context.tokens;
  const [h, p] = admin.split('.');
  const forged = [
    `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: '1', login: 'admin', role: 'admin', iss: 'cti-12345' })}.`,
    `${h}.${b64({ sub: '1', login: 'admin', role: 'admin', iss: 'cti-12345', exp: 4102444800 })}.${agent.split('.')[2] ?? ''}`,
    `${agent.split('.')[0] ?? ''}.${p ?? ''}.${agent.split('.')[2] ?? ''}`,
    admin.slice(0, -2),
    `${admin}x`,
    // A changed character inside the signature (the last one may only carry padding bits).
    admin.replace(/(.{10})$/, (tail) => (tail[0] === 'A' ? 'B' : 'A') + tail.slice(1)),
    'x'.repeat(9000),
    'null',
    '',
    "' OR 1=1 --",
  ];
  const valid = (role: Role, token: string): TokenChoice => ({ role, header: { Authorization: `Bearer ${token}` }, label: role });
  const logins = isLogout && d.length > 0 ? fc.constantFrom(...d.map((t) => valid('agent', t))) : fc.constantFrom(valid('admin', admin), valid('supervisor', supervisor), valid('agent', agent));
  return fc.oneof(
    { weight: 10, arbitrary: logins },
    { weight: 1, arbitrary: fc.constant<TokenChoice>({ role: null, header: {}, label: 'no token' }) },
    { weight: 1, arbitrary: fc.constantFrom(...forged).map((t): TokenChoice => ({ role: null, header: { Authorization: `Bearer ${t}` }, label: 'forged token' })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<TokenChoice>(
        // RFC 9110 lets the scheme be in any case and be followed by several spaces: may be taken.
        { role: 'admin', header: { Authorization: `bearer ${admin}` }, label: 'lower-case scheme' },
        { role: 'admin', header: { Authorization: `Bearer  ${admin}` }, label: 'two spaces' },
        { role: null, header: { Authorization: 'Basic YWRtaW46ZGVtbw==' }, label: 'basic auth' },
        // Only a WebSocket upgrade takes the token from its URL: an HTTP request with it there is not logged in.
        { role: null, header: {}, query: admin, label: 'query token' },
      ),
    },
  );
}

// ---- bodies ----

interface BodyChoice {
  text?: string;
  contentType?: string;
  /** Why it is not a valid body (empty: it is). */
  problems: string[];
  freeText: Record<string, string>;
}

/** Whether parsed JSON holds a `__proto__` key, or `constructor.prototype` (JSON.parse makes them own keys). */
function poisoned(root: unknown): boolean {
  // A loop, not recursion: bodies nest ten thousand deep.
  const todo: unknown[] = [root];
  while (todo.length > 0) {
    const value = todo.pop();
    if (Array.isArray(value)) todo.push(...(value as unknown[]));
    else if (isObject(value)) {
      if (Object.hasOwn(value, '__proto__')) return true;
      const ctor = value['constructor'];
      if (Object.hasOwn(value, 'constructor') && isObject(ctor) && Object.hasOwn(ctor, 'prototype')) return true;
      todo.push(...Object.values(value));
    }
  }
  return false;
}

/** Parsed JSON as the server's parser takes it: prototype keys refused outright. */
function parseLikeServer(text: string): { ok: true; value: unknown } | { ok: false; why: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, why: 'not JSON' };
  }
  if (poisoned(value)) return { ok: false, why: 'prototype key' };
  return { ok: true, value };
}

function freeTextOf(op: Operation, value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(value)) return out;
  for (const name of op.freeText) if (typeof value[name] === 'string') out[name] = value[name];
  return out;
}

function bodyChoice(op: Operation): fc.Arbitrary<BodyChoice> {
  const body = op.body;
  const contentType = fc.oneof({ weight: 12, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) });
  const judge = (text: string | undefined, ct: string | undefined, how: string): BodyChoice => {
    if (!body) return { ...(text !== undefined ? { text } : {}), ...(ct !== undefined ? { contentType: ct } : {}), problems: [], freeText: {} };
    const problems: string[] = [];
    if (text === undefined) {
      if (body.required) problems.push('no body');
    } else {
      if (ct !== undefined && !/^application\/json(;\s*charset=utf-8)?$/i.test(ct)) problems.push(`content type ${JSON.stringify(ct)}`);
      const parsed = parseLikeServer(text);
      if (!parsed.ok) problems.push(parsed.why);
      else if (!body.check(parsed.value)) problems.push(`body does not fit the schema (${how})`);
      return { text, ...(ct !== undefined ? { contentType: ct } : {}), problems, freeText: parsed.ok ? freeTextOf(op, parsed.value) : {} };
    }
    return { problems, freeText: {} };
  };
  if (!body) {
    // Operations without a body: now and then send one anyway.
    return fc.oneof(
      { weight: 12, arbitrary: fc.constant<BodyChoice>({ problems: [], freeText: {} }) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...NASTY_BODIES), contentType).map(([t, ct]) => judge(t, ct, 'raw')) },
    );
  }
  const fit = fitting(body.schema);
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fit, contentType).map(([v, ct]) => judge(JSON.stringify(v), ct, 'fitting')) },
    {
      weight: 6,
      arbitrary: fc.tuple(mutated(fit), contentType).map(([m, ct]) => judge(m.value === undefined ? undefined : JSON.stringify(m.value), m.value === undefined ? undefined : ct, m.how)),
    },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...NASTY_BODIES), contentType).map(([t, ct]) => judge(t, ct, 'raw')) },
    {
      weight: 1,
      arbitrary: fc.tuple(fit, fc.constantFrom('{"__proto__":{"role":"admin","enabled":true}', '{"constructor":{"prototype":{"role":"admin"}}')).map(([v, poison]) => {
        const rest = JSON.stringify(v);
        return judge(isObject(v) && Object.keys(v).length > 0 ? `${poison},${rest.slice(1)}` : `${poison}}`, 'application/json', 'prototype key');
      }),
    },
  );
}

// ---- whole requests ----

function requestFor(op: Operation, context: FuzzContext): fc.Arbitrary<HttpInput> {
  const params = fc.tuple(...op.params.map((p) => paramValue(p, context, op, false)));
  const queryEntry = (p: Param) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant<[string, WireValue][]>([]) },
      { weight: 6, arbitrary: paramValue(p, context, op, true).map((v): [string, WireValue][] => [[p.name, v]]) },
      // The same key twice: an array where one value is expected.
      { weight: 1, arbitrary: fc.tuple(paramValue(p, context, op, true), paramValue(p, context, op, true)).map(([a, b]): [string, WireValue][] => [[p.name, a], [p.name, { wire: b.wire, fits: false }]]) },
    );
  const extraQuery = fc.oneof(
    { weight: 8, arbitrary: fc.constant<[string, string][]>([]) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('__proto__', 'constructor', 'x', 'token', 'page[0]', 'a.b', ''), fc.constantFrom(...NASTY_STRINGS)).map(([k, v]): [string, string][] => [[k, v]]) },
  );
  return fc
    .record({
      params,
      query: fc.tuple(...op.query.map(queryEntry)),
      extraQuery,
      body: bodyChoice(op),
      token: tokenChoices(context, op),
    })
    .map(({ params: values, query, extraQuery: extra, body, token }) => {
      const mustRefuse: string[] = [];
      let path = op.template;
      op.params.forEach((p, i) => {
        const v = values[i] as WireValue;
        path = path.replace(`{${p.name}}`, v.wire);
        if (v.fits === false) mustRefuse.push(`path ${p.name}`);
      });
      const pairs: string[] = [];
      const given = new Set<string>();
      for (const entries of query) {
        for (const [name, v] of entries) {
          pairs.push(`${encode(name)}=${v.wire}`);
          given.add(name);
          if (v.fits === false) mustRefuse.push(`query ${name}`);
        }
      }
      for (const p of op.query) if (p.required && !given.has(p.name)) mustRefuse.push(`query ${p.name} missing`);
      for (const [k, v] of extra) pairs.push(`${encode(k)}=${encode(v)}`);
      if (token.query !== undefined) pairs.push(`token=${encode(token.query)}`);
      if (pairs.length > 0) path += `?${pairs.join('&')}`;
      mustRefuse.push(...body.problems);
      // Who may call it.
      const needsLogin = op.surface !== 'auth';
      if (needsLogin && token.role === null) mustRefuse.push(token.label);
      else if (op.roles && token.role && !op.roles.includes(token.role)) mustRefuse.push(`role ${token.role}`);
      else if (op.surface === 'calendar' && op.method !== 'GET' && token.role !== 'admin') mustRefuse.push(`role ${token.role ?? '-'}`);
      else if (op.surface === 'tickets' && op.key.endsWith('/extensions') && token.role === 'agent') mustRefuse.push('role agent');
      const headers: Record<string, string> = { ...token.header };
      if (body.contentType !== undefined && body.text !== undefined) headers['Content-Type'] = body.contentType;
      return {
        op: op.key,
        surface: op.surface,
        method: op.method,
        path,
        headers,
        ...(body.text !== undefined ? { body: body.text } : {}),
        mustRefuse,
        freeText: body.freeText,
      };
    });
}

/** Operations whose valid requests run argon2 (tens of milliseconds of CPU each): asked less often. */
const SLOW = new Set(['POST /api/v1/auth/login', 'POST /api/v1/agents', 'POST /api/v1/agents/{id}/password']);

/** Requests for all the operations, each operation about as likely as any other (the slow ones less). */
export function httpInputs(operations: Operation[], context: FuzzContext): fc.Arbitrary<HttpInput> {
  return fc.oneof(...operations.map((op) => ({ weight: SLOW.has(op.key) ? 1 : 3, arbitrary: requestFor(op, context) })));
}
