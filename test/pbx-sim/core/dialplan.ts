/**
 * The dialplan: `extensions.conf` parsed into contexts, extension matching the way Asterisk does it
 * (exact before patterns, more specific patterns first, own extensions before `include =>`), and the
 * `${...}` substitution used when an application's data is evaluated.
 */
import { parseConf, readConfFile } from '../config/conf-parser.js';
import type { ConfSection } from '../config/conf-parser.js';

export interface DialplanStep {
  context: string;
  /** The extension as written (`12345`, `_1XXX`). */
  extension: string;
  priority: number;
  label: string | undefined;
  app: string;
  /** Unsubstituted application data. */
  data: string;
}

interface Extension {
  name: string;
  isPattern: boolean;
  /** Per-position character classes for patterns; `null` entries are `.`/`!` (rest). */
  matcher: ((c: string) => boolean)[];
  /** Option counts per position, used to order patterns by specificity. */
  weights: number[];
  rest: '' | '.' | '!';
  priorities: Map<number, DialplanStep>;
}

interface Context {
  name: string;
  extensions: Extension[];
  includes: string[];
}

function compilePattern(body: string): Pick<Extension, 'matcher' | 'weights' | 'rest'> {
  const matcher: ((c: string) => boolean)[] = [];
  const weights: number[] = [];
  let rest: '' | '.' | '!' = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] ?? '';
    const up = ch.toUpperCase();
    if (ch === '.' || ch === '!') {
      rest = ch;
      break;
    }
    if (ch === '-') continue;
    if (up === 'X') {
      matcher.push((c) => c >= '0' && c <= '9');
      weights.push(10);
    } else if (up === 'Z') {
      matcher.push((c) => c >= '1' && c <= '9');
      weights.push(9);
    } else if (up === 'N') {
      matcher.push((c) => c >= '2' && c <= '9');
      weights.push(8);
    } else if (ch === '[') {
      const end = body.indexOf(']', i);
      const set = new Set<string>();
      const spec = end > i ? body.slice(i + 1, end) : '';
      for (let j = 0; j < spec.length; j++) {
        const a = spec[j] ?? '';
        if (spec[j + 1] === '-' && j + 2 < spec.length) {
          const b = spec[j + 2] ?? a;
          for (let code = a.charCodeAt(0); code <= b.charCodeAt(0); code++) set.add(String.fromCharCode(code));
          j += 2;
        } else set.add(a);
      }
      matcher.push((c) => set.has(c));
      weights.push(set.size || 1);
      i = end > i ? end : body.length;
    } else {
      matcher.push((c) => c === ch);
      weights.push(1);
    }
  }
  return { matcher, weights, rest };
}

function matches(ext: Extension, exten: string): boolean {
  if (!ext.isPattern) return ext.name === exten;
  const n = ext.matcher.length;
  if (exten.length < n) return false;
  for (let i = 0; i < n; i++) if (!ext.matcher[i]?.(exten[i] ?? '')) return false;
  if (exten.length === n) return ext.rest !== '.';
  return ext.rest !== '';
}

/** Negative when `a` is the better (more specific) match. */
function compareSpecificity(a: Extension, b: Extension): number {
  if (a.isPattern !== b.isPattern) return a.isPattern ? 1 : -1;
  const len = Math.max(a.weights.length, b.weights.length);
  for (let i = 0; i < len; i++) {
    const wa = a.weights[i] ?? 1000;
    const wb = b.weights[i] ?? 1000;
    if (wa !== wb) return wa - wb;
  }
  const ra = a.rest === '' ? 0 : a.rest === '.' ? 1 : 2;
  const rb = b.rest === '' ? 0 : b.rest === '.' ? 1 : 2;
  return ra - rb;
}

/** Split application arguments on commas, honouring quotes, backslashes and parentheses. */
export function splitAppArgs(data: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < data.length; i++) {
    const ch = data[i] ?? '';
    if (ch === '\\' && i + 1 < data.length) {
      cur += data[i + 1];
      i++;
      continue;
    }
    if (ch === '"') {
      quoted = !quoted;
      continue;
    }
    if (!quoted) {
      if (ch === '(') depth++;
      else if (ch === ')' && depth > 0) depth--;
      else if (ch === ',' && depth === 0) {
        out.push(cur);
        cur = '';
        continue;
      }
    }
    cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * Replace `${NAME}`, `${NAME:offset:length}` and `${FUNC(args)}` using `lookup` (which receives the
 * inner expression without offsets, already substituted). Unknown names become empty strings.
 */
export function substitute(text: string, lookup: (expr: string) => string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{') {
      let depth = 1;
      let j = i + 2;
      while (j < text.length && depth > 0) {
        if (text[j] === '$' && text[j + 1] === '{') {
          depth++;
          j++;
        } else if (text[j] === '}') depth--;
        if (depth > 0) j++;
      }
      const inner = substitute(text.slice(i + 2, j), lookup);
      const sub = /^([^:()]+(?:\([^)]*\))?)(?::(-?\d+)(?::(-?\d+))?)?$/.exec(inner);
      if (sub) {
        let value = lookup(sub[1] ?? '');
        if (sub[2] !== undefined) {
          const offset = Number(sub[2]);
          const start = offset < 0 ? Math.max(0, value.length + offset) : offset;
          value = sub[3] !== undefined ? value.substr(start, Number(sub[3])) : value.slice(start);
        }
        out += value;
      } else out += lookup(inner);
      i = j;
      continue;
    }
    out += text[i];
  }
  return out;
}

export class Dialplan {
  readonly globals = new Map<string, string>();
  private readonly contexts = new Map<string, Context>();

  /** `extensions.conf` of a configuration directory, with its `#include`s. */
  static fromDir(dir: string): Dialplan {
    return Dialplan.fromSections(readConfFile(dir, 'extensions.conf'));
  }

  static parse(text: string): Dialplan {
    return Dialplan.fromSections(parseConf(text));
  }

  private static fromSections(sections: ConfSection[]): Dialplan {
    const plan = new Dialplan();
    for (const section of sections) {
      const name = section.name;
      if (name.toLowerCase() === 'general') continue;
      if (name.toLowerCase() === 'globals') {
        for (const e of section.entries) plan.globals.set(e.key, e.value);
        continue;
      }
      const ctx = plan.contexts.get(name) ?? { name, extensions: [], includes: [] };
      plan.contexts.set(name, ctx);
      let lastExt: Extension | undefined;
      let lastPriority = 0;
      for (const e of section.entries) {
        const key = e.key.toLowerCase();
        if (key === 'include') {
          ctx.includes.push(e.value.split('|')[0]?.trim() ?? e.value);
          continue;
        }
        if (key !== 'exten' && key !== 'same') continue;
        let rest = e.value;
        let extName: string;
        if (key === 'exten') {
          const comma = rest.indexOf(',');
          if (comma < 0) continue;
          extName = rest.slice(0, comma).trim();
          rest = rest.slice(comma + 1);
        } else {
          if (!lastExt) continue;
          extName = lastExt.name;
        }
        const comma = rest.indexOf(',');
        const prioSpec = (comma < 0 ? rest : rest.slice(0, comma)).trim();
        const appSpec = comma < 0 ? '' : rest.slice(comma + 1).trim();
        if (prioSpec.toLowerCase() === 'hint') continue;
        const pm = /^(n|\d+|\+\d+)?(?:\(([^)]*)\))?$/i.exec(prioSpec);
        if (!pm) continue;
        const ext = plan.findOrAddExtension(ctx, extName);
        const base = ext === lastExt ? lastPriority : 0;
        let priority: number;
        const p = (pm[1] ?? 'n').toLowerCase();
        if (p === 'n') priority = base + 1;
        else if (p.startsWith('+')) priority = base + Number(p.slice(1));
        else priority = Number(p);
        const paren = appSpec.indexOf('(');
        let app: string;
        let data: string;
        if (paren >= 0) {
          app = appSpec.slice(0, paren).trim();
          const close = appSpec.lastIndexOf(')');
          data = appSpec.slice(paren + 1, close > paren ? close : appSpec.length);
        } else {
          const c2 = appSpec.indexOf(',');
          app = (c2 < 0 ? appSpec : appSpec.slice(0, c2)).trim();
          data = c2 < 0 ? '' : appSpec.slice(c2 + 1);
        }
        ext.priorities.set(priority, { context: name, extension: extName, priority, label: pm[2], app, data });
        lastExt = ext;
        lastPriority = priority;
      }
    }
    return plan;
  }

  private findOrAddExtension(ctx: Context, name: string): Extension {
    const existing = ctx.extensions.find((x) => x.name === name);
    if (existing) return existing;
    const isPattern = name.startsWith('_');
    const compiled = isPattern ? compilePattern(name.slice(1)) : { matcher: [], weights: [], rest: '' as const };
    const ext: Extension = { name, isPattern, ...compiled, priorities: new Map() };
    ctx.extensions.push(ext);
    return ext;
  }

  hasContext(context: string): boolean {
    return this.contexts.has(context);
  }

  contextNames(): string[] {
    return [...this.contexts.keys()];
  }

  /** The step to run for (context, exten, priority), following includes; undefined if none. */
  find(context: string, exten: string, priority: number, seen = new Set<string>()): DialplanStep | undefined {
    if (seen.has(context)) return undefined;
    seen.add(context);
    const ctx = this.contexts.get(context);
    if (!ctx) return undefined;
    const candidates = ctx.extensions.filter((x) => matches(x, exten)).sort(compareSpecificity);
    for (const ext of candidates) {
      const step = ext.priorities.get(priority);
      if (step) return step;
    }
    for (const inc of ctx.includes) {
      const step = this.find(inc, exten, priority, seen);
      if (step) return step;
    }
    return undefined;
  }

  exists(context: string, exten: string, priority = 1): boolean {
    return this.find(context, exten, priority) !== undefined;
  }

  /** Priority of `label` on the extension matching `exten`, or undefined. */
  findLabel(context: string, exten: string, label: string, seen = new Set<string>()): number | undefined {
    if (seen.has(context)) return undefined;
    seen.add(context);
    const ctx = this.contexts.get(context);
    if (!ctx) return undefined;
    const candidates = ctx.extensions.filter((x) => matches(x, exten)).sort(compareSpecificity);
    for (const ext of candidates)
      for (const step of ext.priorities.values()) if (step.label === label) return step.priority;
    for (const inc of ctx.includes) {
      const p = this.findLabel(inc, exten, label, seen);
      if (p !== undefined) return p;
    }
    return undefined;
  }
}
