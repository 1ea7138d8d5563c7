/**
 * One error shape for every HTTP answer that is not a success, whichever route or plugin failed:
 * `{error, details?}` with the text in Chinese — never Fastify's English format, never schema text —
 * and for a bad request the field path and the reason for each problem (validation errors, references
 * to things that do not exist, menus that do not hold together). Unknown paths get the same shape (404).
 */
import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import Type, { type Static, type TSchema } from 'typebox';
import Value from 'typebox/value';
import { StoreError } from '../../store/index.js';
import { patternReason } from './free-text.js';

export const ErrorDetail = Type.Object({
  /** JSON pointer into the request part, e.g. `/number`, `/skills/0/level`. */
  field: Type.String(),
  /** `body`, `params` or `querystring`, when the problem comes from schema validation. */
  in: Type.Optional(Type.String()),
  /** For IVR menus: the menu the problem is in. */
  menu: Type.Optional(Type.String()),
  message: Type.String(),
});
export type ErrorDetail = Static<typeof ErrorDetail>;

export const ErrorReply = Type.Object({ error: Type.String(), details: Type.Optional(Type.Array(ErrorDetail)) });
export type ErrorReply = Static<typeof ErrorReply>;

export const INVALID_REQUEST = '请求参数不正确';

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (message: string) => new ApiError(404, message);
export const conflict = (message: string) => new ApiError(409, message);
export const invalid = (details: ErrorDetail[]) => new ApiError(400, INVALID_REQUEST, details);

/** Response schemas for the error codes a route can answer. */
export function errorReplies<C extends 400 | 401 | 403 | 404 | 409>(...codes: C[]): Record<C, typeof ErrorReply> {
  return Object.fromEntries(codes.map((c) => [c, ErrorReply])) as Record<C, typeof ErrorReply>;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v));
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : v === undefined ? [] : [str(v)]);

const FORMAT_REASONS: Record<string, string> = {
  date: '不是有效的日期（YYYY-MM-DD）',
  'date-time': '不是有效的时间（如 2026-06-10T08:00:00+08:00）',
};

const TYPE_NAMES: Record<string, string> = {
  integer: '整数',
  number: '数字',
  string: '文本',
  boolean: '布尔值（true/false）',
  object: '对象',
  array: '数组',
  null: 'null',
};

/** A reason in Chinese for one schema error (TypeBox or Ajv wording of the same keywords). */
function reason(e: FastifySchemaValidationError): string {
  const p = e.params;
  switch (e.keyword) {
    case 'required':
      return '必填';
    case 'additionalProperties':
      return '不允许的字段';
    case 'type':
      return `应为${list(p.type).map((t) => TYPE_NAMES[t] ?? t).join('或')}`;
    case 'pattern':
      return patternReason(p.pattern); // the schema's hint, never the regular expression
    case 'format':
      return FORMAT_REASONS[str(p.format)] ?? '格式不正确';
    case 'enum':
      return `取值应为 ${list(p.allowedValues).join('、')} 之一`;
    case 'const':
      return `取值应为 ${str(p.allowedValue)}`;
    case 'minLength':
      return `长度不能少于 ${str(p.limit)}`;
    case 'maxLength':
      return `长度不能超过 ${str(p.limit)}`;
    case 'minimum':
      return `不能小于 ${str(p.limit)}`;
    case 'maximum':
      return `不能大于 ${str(p.limit)}`;
    case 'minItems':
      return `至少需要 ${str(p.limit)} 项`;
    case 'maxItems':
      return `最多 ${str(p.limit)} 项`;
    case 'uniqueItems':
      return '不能有重复项';
    case 'minProperties':
      return '至少需要填写一个字段';
    case 'anyOf':
      return '不符合任何一种允许的格式';
    default:
      return e.message ?? e.keyword;
  }
}

/** The schema paths of the unions an error lies inside, outermost first (`…/anyOf/2/…` → `…`). */
function unionsAbove(schemaPath: string): string[] {
  const found: string[] = [];
  for (let at = schemaPath.indexOf('/anyOf/'); at >= 0; at = schemaPath.indexOf('/anyOf/', at + 1)) found.push(schemaPath.slice(0, at));
  return found;
}

/** The longest instance path all the errors lie under (the union's value). */
function commonPath(errors: FastifySchemaValidationError[]): string {
  const paths = errors.map((e) => e.instancePath.split('/'));
  const first = paths[0] ?? [''];
  let n = first.length;
  for (const p of paths) while (n > 0 && p.slice(0, n).join('/') !== first.slice(0, n).join('/')) n--;
  return first.slice(0, n).join('/');
}

/** A branch that only says "应为null": never the one a value other than null meant. */
const onlyNull = (es: FastifySchemaValidationError[]) => es.every((e) => e.keyword === 'type' && list(e.params.type).join() === 'null');
const isChoice = (e: FastifySchemaValidationError) => e.keyword === 'const' || e.keyword === 'enum';
const choicesOf = (e: FastifySchemaValidationError): unknown[] => (e.keyword === 'const' ? [e.params.allowedValue] : Array.isArray(e.params.allowedValues) ? e.params.allowedValues : []);

/** An `enum` error listing the values a union allows (its reason names them). */
const allowedAt = (instancePath: string, schemaPath: string, allowedValues: unknown[]): FastifySchemaValidationError => ({
  keyword: 'enum',
  schemaPath,
  instancePath,
  params: { allowedValues: [...new Set(allowedValues)] },
  message: 'must be equal to one of the allowed values',
});

/**
 * For a union (`anyOf`), keep only the errors of the branch the value most likely meant, judged from
 * the errors alone (see `narrowUnions` for the judgement with the schema and the value): not a null
 * branch, not one whose discriminator (`const`/`enum`) failed, the one with the fewest errors. When
 * none fits: the allowed values if every branch is a choice of values, else one `anyOf` error.
 * TypeBox points an `anyOf` error at the union's schema, Ajv at its `anyOf` keyword.
 */
function resolveUnions(errors: FastifySchemaValidationError[]): FastifySchemaValidationError[] {
  const dropped = new Set<FastifySchemaValidationError>();
  const added: FastifySchemaValidationError[] = [];
  const unions = [...new Set(errors.flatMap((e) => unionsAbove(e.schemaPath)))].sort((a, b) => a.length - b.length);
  for (const union of unions) {
    const prefix = `${union}/anyOf/`;
    const branches = new Map<string, FastifySchemaValidationError[]>();
    for (const e of errors) {
      if (dropped.has(e) || !e.schemaPath.startsWith(prefix)) continue;
      const branch = e.schemaPath.slice(prefix.length).split('/')[0] ?? '';
      branches.set(branch, [...(branches.get(branch) ?? []), e]);
    }
    if (branches.size === 0) continue; // inside a branch already dropped
    const own = errors.filter((e) => e.keyword === 'anyOf' && (e.schemaPath === union || e.schemaPath === `${union}/anyOf`));
    const meant = [...branches.values()].filter((es) => !onlyNull(es));
    const candidates = meant.filter((es) => !es.some(isChoice));
    const chosen = candidates.sort((a, b) => a.length - b.length)[0];
    for (const es of branches.values()) if (es !== chosen) es.forEach((e) => dropped.add(e));
    if (chosen) own.forEach((e) => dropped.add(e));
    else {
      const path = commonPath([...branches.values()].flat());
      const choices = meant.flat();
      if (choices.length > 0 && choices.every((e) => isChoice(e) && e.instancePath === path)) {
        own.forEach((e) => dropped.add(e));
        added.push(allowedAt(path, union, choices.flatMap(choicesOf)));
      } else if (own.length === 0) {
        added.push({ keyword: 'anyOf', schemaPath: union, instancePath: path, params: {}, message: 'must match a schema in anyOf' });
      }
    }
  }
  return [...errors.filter((e) => !dropped.has(e)), ...added];
}

type SchemaNode = Record<string, unknown>;
const isNode = (v: unknown): v is SchemaNode => typeof v === 'object' && v !== null && !Array.isArray(v);
const unescapePointer = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~');

/**
 * The schema a schema path points at, and how many steps into the value it lies (`properties/x`,
 * `items` … go one step down the value; `anyOf/1` does not). Undefined for what it cannot follow.
 */
function schemaAt(root: unknown, schemaPath: string): { schema: SchemaNode; depth: number } | undefined {
  const segments = schemaPath.replace(/^#/, '').split('/').slice(1).map(unescapePointer);
  let node: unknown = root;
  let depth = 0;
  for (let i = 0; i < segments.length; i++) {
    if (!isNode(node)) return undefined;
    const keyword = segments[i]!;
    if (keyword === 'properties' || keyword === 'patternProperties' || keyword === 'prefixItems') {
      const table = node[keyword];
      node = isNode(table) || Array.isArray(table) ? (table as Record<string, unknown>)[segments[++i] ?? ''] : undefined;
      depth++;
    } else if (keyword === 'additionalProperties' || keyword === 'items') {
      node = node[keyword];
      depth++;
    } else if (keyword === 'anyOf' || keyword === 'allOf' || keyword === 'oneOf') {
      const branches = node[keyword];
      node = Array.isArray(branches) ? (branches as unknown[])[Number(segments[++i])] : undefined;
    } else if (keyword === 'not' || keyword === 'if' || keyword === 'then' || keyword === 'else') {
      node = node[keyword];
    } else return undefined;
  }
  return isNode(node) ? { schema: node, depth } : undefined;
}

function valueAt(root: unknown, instancePath: string): unknown {
  let value = root;
  for (const segment of instancePath.split('/').slice(1).map(unescapePointer)) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[segment] : undefined;
  }
  return value;
}

/** The property every object branch of a union fixes to one literal (`type`, `kind`), if there is one. */
function discriminatorOf(branches: SchemaNode[]): string | undefined {
  const objects = branches.filter((b) => isNode(b.properties));
  if (objects.length < 2) return undefined;
  const literal = (b: SchemaNode, key: string) => isNode((b.properties as SchemaNode)[key]) && 'const' in ((b.properties as SchemaNode)[key] as SchemaNode);
  return Object.keys(objects[0]!.properties as SchemaNode).find((key) => objects.every((b) => literal(b, key)));
}

const literalOf = (branch: SchemaNode, key: string): unknown => ((branch.properties as SchemaNode)[key] as SchemaNode).const;

/** Whether a branch can be the one the value meant: its type, its literal, its discriminator fit. */
function couldMean(branch: SchemaNode, value: unknown, key: string | undefined): boolean {
  if (branch.type === 'null') return value === null;
  if ('const' in branch) return branch.const === value;
  if (Array.isArray(branch.enum)) return (branch.enum as unknown[]).includes(value);
  if (key !== undefined && isNode(value) && key in value && isNode(branch.properties)) return literalOf(branch, key) === value[key];
  return true;
}

const withBase = (e: FastifySchemaValidationError, instancePath: string, schemaPath: string): FastifySchemaValidationError => ({
  ...e,
  instancePath: `${instancePath}${e.instancePath}`,
  schemaPath: `${schemaPath}${e.schemaPath.replace(/^#/, '')}`,
});

/** Errors already narrowed with the schema and the value: `resolveUnions` leaves them as they are. */
const narrowed = new WeakSet<FastifySchemaValidationError[]>();

/** The errors of the branch of one union the value meant, or what the union allows when none fits. */
function explainUnion(union: SchemaNode, value: unknown, schemaPath: string, instancePath: string): FastifySchemaValidationError[] | undefined {
  const branches = (union.anyOf as unknown[]).filter(isNode);
  const key = discriminatorOf(branches);
  const fits = branches.map((b, i) => ({ b, i })).filter(({ b }) => couldMean(b, value, key));
  if (fits.length === 0) {
    if (key !== undefined && isNode(value)) {
      const literals = branches.filter((b) => isNode(b.properties)).map((b) => literalOf(b, key));
      return [allowedAt(`${instancePath}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, schemaPath, literals)];
    }
    const choices = branches.filter((b) => b.type !== 'null');
    if (choices.length > 0 && choices.every((b) => 'const' in b || Array.isArray(b.enum))) {
      return [allowedAt(instancePath, schemaPath, choices.flatMap((b) => ('const' in b ? [b.const] : (b.enum as unknown[]))))];
    }
    return [{ keyword: 'anyOf', schemaPath, instancePath, params: {}, message: 'must match a schema in anyOf' }];
  }
  // A branch checked on its own: one that refers elsewhere in the schema (`$ref`) cannot be, and
  // keeps the validator's own errors.
  const errorsOf = (branch: SchemaNode): FastifySchemaValidationError[] => {
    try {
      return narrowUnions([...Value.Errors(branch as TSchema, value)] as FastifySchemaValidationError[], branch, value);
    } catch {
      return [];
    }
  };
  const explained = fits.map(({ b, i }) => errorsOf(b).map((e) => withBase(e, instancePath, `${schemaPath}/anyOf/${i}`))).filter((es) => es.length > 0);
  return explained.sort((a, b) => a.length - b.length)[0];
}

/**
 * Narrows each union among a validator's errors to the branch the value meant, judged by the schema
 * and the value rather than by the errors (a validator stops after a few errors, so later branches may
 * not show): a null branch never for a value that is not null; a literal (`const`, `enum`) only for a
 * value it allows; of an object union with a discriminator (`type`), only the branch of the value's
 * `type`. That branch's errors are its own; when no branch fits, the answer names the values allowed
 * (of the discriminator, or of the field). `validationDetails` takes the result as it is.
 */
export function narrowUnions(errors: FastifySchemaValidationError[], schema: unknown, value: unknown): FastifySchemaValidationError[] {
  const groups = new Map<string, { union: string; instancePath: string; schema: SchemaNode; errors: Set<FastifySchemaValidationError> }>();
  for (const e of errors) {
    for (const union of unionsAbove(e.schemaPath)) {
      const at = schemaAt(schema, union);
      if (!at || !Array.isArray(at.schema.anyOf)) continue;
      const instancePath = e.instancePath.split('/').slice(0, at.depth + 1).join('/');
      const id = `${union}\u0000${instancePath}`;
      const group = groups.get(id) ?? { union, instancePath, schema: at.schema, errors: new Set() };
      group.errors.add(e);
      groups.set(id, group);
    }
  }
  for (const e of errors) {
    // The union's own `anyOf` error belongs to its group.
    if (e.keyword === 'anyOf') groups.get(`${e.schemaPath.replace(/\/anyOf$/, '')}\u0000${e.instancePath}`)?.errors.add(e);
  }
  const outermost = [...groups.values()].filter(
    (g) => ![...groups.values()].some((o) => o !== g && g.union.startsWith(`${o.union}/anyOf/`) && (g.instancePath + '/').startsWith(o.instancePath + '/')),
  );
  let out = errors;
  for (const g of outermost) {
    const explained = explainUnion(g.schema, valueAt(value, g.instancePath), g.union, g.instancePath);
    if (explained) out = [...out.filter((e) => !g.errors.has(e)), ...explained];
  }
  narrowed.add(out);
  return out;
}

/** Schema validation errors as `{field, in, message}`, one per field. */
export function validationDetails(errors: FastifySchemaValidationError[], part: string | undefined): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  const seen = new Set<string>();
  const add = (field: string, message: string) => {
    const key = field || '/';
    if (seen.has(key)) return;
    seen.add(key);
    details.push({ field: key, ...(part ? { in: part } : {}), message });
  };
  for (const e of narrowed.has(errors) ? errors : resolveUnions(errors)) {
    if (e.keyword === 'boolean') continue; // TypeBox repeats `additionalProperties: false` per property.
    if (e.keyword === 'required') {
      for (const name of [...list(e.params.requiredProperties), ...list(e.params.missingProperty)]) add(`${e.instancePath}/${name}`, reason(e));
    } else if (e.keyword === 'additionalProperties') {
      for (const name of [...list(e.params.additionalProperties), ...list(e.params.additionalProperty)]) add(`${e.instancePath}/${name}`, reason(e));
    } else {
      add(e.instancePath, reason(e));
    }
  }
  return details;
}

function send(reply: FastifyReply, statusCode: number, body: ErrorReply): FastifyReply {
  return reply.code(statusCode).send(body);
}

const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: '请求体必须是 JSON（Content-Type: application/json）',
  FST_ERR_CTP_EMPTY_JSON_BODY: '请求体不能为空',
  FST_ERR_CTP_INVALID_JSON_BODY: '请求体不是有效的 JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: '请求体过大',
};

/** The server's error handler (set on the root instance; plugins inherit it). */
export function replyWithError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ApiError) return send(reply, error.statusCode, { error: error.message, ...(error.details ? { details: error.details } : {}) });
  if (error instanceof StoreError) {
    return send(reply, error.kind === 'not-found' ? 404 : error.kind === 'conflict' ? 409 : 400, { error: error.message });
  }
  if (error.validation) {
    return send(reply, 400, { error: INVALID_REQUEST, details: validationDetails(error.validation, error.validationContext) });
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) return send(reply, 400, { error: FASTIFY_MESSAGES.FST_ERR_CTP_INVALID_JSON_BODY ?? error.message });
    return send(reply, status, { error: FASTIFY_MESSAGES[error.code] ?? error.message });
  }
  // The route pattern, not the URL: a query string may carry a token (WebSocket upgrades).
  request.log.error({ err: error, route: request.routeOptions.url, method: request.method }, 'request failed');
  return send(reply, 500, { error: '服务器内部错误' });
}

/** The answer for a path no route serves. */
export function replyNotFound(_request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return send(reply, 404, { error: '请求的地址不存在' });
}
