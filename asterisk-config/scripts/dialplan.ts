/**
 * extensions.conf as the check needs it: contexts, their extensions and includes, each extension's
 * applications with their arguments, `[globals]`, and Asterisk's extension pattern matching.
 */
import type { ConfEntry, ConfFile } from './conf-file.js';

export interface DialplanStep {
  app: string;
  /** Arguments as written (not substituted), split the way Asterisk splits them. */
  args: string[];
  at: string;
}

export interface Extension {
  /** As written, without a `/callerid` match: `12345`, `_1XXX`, `i`. */
  name: string;
  steps: DialplanStep[];
  at: string;
}

export interface DialplanContext {
  name: string;
  extensions: Extension[];
  includes: string[];
}

export interface Dialplan {
  globals: Map<string, string>;
  contexts: Map<string, DialplanContext>;
}

/** Split application data on commas outside parentheses, `${…}`, quotes; `\,` is a literal comma. */
export function splitArgs(data: string): string[] {
  const out: string[] = [];
  let current = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < data.length; i++) {
    const ch = data[i] ?? '';
    if (ch === '\\' && i + 1 < data.length) {
      current += ch + (data[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '(' || ch === '{')) depth++;
    else if (!quoted && (ch === ')' || ch === '}') && depth > 0) depth--;
    else if (!quoted && depth === 0 && ch === ',') {
      out.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  out.push(current.trim());
  return out;
}

/** `App(a,b)` (or the old `App,a,b`) into the application name and its arguments. */
function parseApplication(spec: string): { app: string; args: string[] } {
  const paren = spec.indexOf('(');
  const comma = spec.indexOf(',');
  if (paren >= 0 && (comma < 0 || paren < comma)) {
    const close = spec.lastIndexOf(')');
    return { app: spec.slice(0, paren).trim(), args: splitArgs(spec.slice(paren + 1, close > paren ? close : undefined)) };
  }
  if (comma >= 0) return { app: spec.slice(0, comma).trim(), args: splitArgs(spec.slice(comma + 1)) };
  return { app: spec.trim(), args: [] };
}

function addLine(context: DialplanContext, entry: ConfEntry, last: Extension | undefined): Extension | undefined {
  let rest = entry.value;
  let extension = last;
  if (entry.key.toLowerCase() === 'exten') {
    const comma = rest.indexOf(',');
    if (comma < 0) return last;
    const name = rest.slice(0, comma).trim().split('/')[0] ?? '';
    rest = rest.slice(comma + 1);
    extension = context.extensions.find((x) => x.name === name);
    if (!extension) {
      extension = { name, steps: [], at: entry.at };
      context.extensions.push(extension);
    }
  }
  if (!extension) return last;
  const comma = rest.indexOf(',');
  const priority = (comma < 0 ? rest : rest.slice(0, comma)).trim();
  if (priority.toLowerCase() === 'hint' || comma < 0) return extension;
  extension.steps.push({ ...parseApplication(rest.slice(comma + 1).trim()), at: entry.at });
  return extension;
}

export function parseDialplan(file: ConfFile): Dialplan {
  const plan: Dialplan = { globals: new Map(), contexts: new Map() };
  for (const section of file.sections) {
    const lower = section.name.toLowerCase();
    if (lower === 'general' || section.template) continue;
    if (lower === 'globals') {
      for (const e of section.entries) plan.globals.set(e.key, e.value);
      continue;
    }
    const context = plan.contexts.get(section.name) ?? { name: section.name, extensions: [], includes: [] };
    plan.contexts.set(section.name, context);
    let last: Extension | undefined;
    for (const entry of section.entries) {
      const key = entry.key.toLowerCase();
      // `include => ctx` may carry a time restriction: `include => daytime,09:00-17:00,mon-fri,*,*`.
      if (key === 'include') context.includes.push((entry.value.split(/[,|]/)[0] ?? '').trim());
      else if (key === 'exten' || key === 'same') last = addLine(context, entry, last);
    }
  }
  return plan;
}

/** The context and every context it includes, transitively (Asterisk searches them in order). */
export function withIncludes(plan: Dialplan, name: string, seen = new Set<string>()): DialplanContext[] {
  const context = plan.contexts.get(name);
  if (!context || seen.has(name)) return [];
  seen.add(name);
  return [context, ...context.includes.flatMap((inc) => withIncludes(plan, inc, seen))];
}

/** `${NAME}` replaced by the global NAME when there is one; other expressions stay as written. */
export function substituteGlobals(text: string, globals: Map<string, string>): string {
  return text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => globals.get(name) ?? whole);
}

/** Extensions that are not numbers a caller dials: invalid, hangup, timeout, start, … */
export const SPECIAL_EXTENSIONS = new Set(['i', 'h', 't', 'T', 'e', 'a', 'o', 's', 'fax']);

/** Whether the extension as written (`12345`, `_1XXX`, `_0[1-9]X.`) answers the number. */
export function extensionMatches(name: string, number: string): boolean {
  if (!name.startsWith('_')) return name === number;
  const pattern = name.slice(1);
  let n = 0;
  for (let p = 0; p < pattern.length; p++) {
    const ch = pattern[p] ?? '';
    if (ch === '-') continue;
    if (ch === '.') return n < number.length;
    if (ch === '!') return true;
    const digit = number[n];
    if (digit === undefined) return false;
    const upper = ch.toUpperCase();
    if (upper === 'X') {
      if (!/[0-9]/.test(digit)) return false;
    } else if (upper === 'Z') {
      if (!/[1-9]/.test(digit)) return false;
    } else if (upper === 'N') {
      if (!/[2-9]/.test(digit)) return false;
    } else if (ch === '[') {
      const end = pattern.indexOf(']', p);
      if (end < 0 || !inSet(pattern.slice(p + 1, end), digit)) return false;
      p = end;
    } else if (ch !== digit) return false;
    n++;
  }
  return n === number.length;
}

function inSet(set: string, ch: string): boolean {
  for (let i = 0; i < set.length; i++) {
    const from = set[i] ?? '';
    if (set[i + 1] === '-' && i + 2 < set.length) {
      if (ch >= from && ch <= (set[i + 2] ?? '')) return true;
      i += 2;
    } else if (ch === from) return true;
  }
  return false;
}
