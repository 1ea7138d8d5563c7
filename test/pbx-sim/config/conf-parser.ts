/**
 * A small, tolerant reader for Asterisk `.conf` files.
 *
 * Handles what the reference and lab configurations use: `[section]`, `[name](template)`,
 * `[name](!)` templates, `[name](!,tpl)`, `key = value` and `key => value`, `;` comments (with `\;`
 * escapes), blank lines, repeated section names (PJSIP uses `[1001]` for an endpoint, an aor and
 * an auth), and `#include` / `#tryinclude` when read from a directory (`readConfFile`). Anything
 * else it does not understand (`#exec`) is skipped rather than rejected.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';

export interface ConfEntry {
  key: string;
  value: string;
  /** `=>` rather than `=` (dialplan and queue members use it). */
  arrow: boolean;
  line: number;
}

export interface ConfSection {
  name: string;
  /** `[name](!)`: a template, never an object by itself. */
  isTemplate: boolean;
  /** Templates this section inherits from, in order. */
  templates: string[];
  /** Own entries only (not inherited). */
  entries: ConfEntry[];
}

function stripComment(line: string): string {
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '\\' && line[i + 1] === ';') {
      out += ';';
      i++;
      continue;
    }
    if (ch === ';') break;
    out += ch;
  }
  return out;
}

/**
 * Where `#include`/`#tryinclude` text comes from: the files a name stands for (none when missing),
 * each with its text.
 */
export type IncludeResolver = (name: string) => { path: string; text: string }[];

/** A missing `#include` (not `#tryinclude`): Asterisk refuses to load the whole file. */
export class ConfIncludeError extends Error {}

interface ParseState {
  sections: ConfSection[];
  depth: number;
}

/** Asterisk nests includes at most this deep here (a file that includes itself stops, not loops). */
const MAX_INCLUDE_DEPTH = 10;

export function parseConf(text: string, include?: IncludeResolver): ConfSection[] {
  const state: ParseState = { sections: [], depth: 0 };
  parseInto(text, state, undefined, include);
  return state.sections;
}

/**
 * Parse `text` into `state`, starting in section `current`. An included file starts in the
 * including file's current section, and the including file goes on in its own section afterwards
 * (main/config.c: the directive does not change the caller's category).
 */
function parseInto(text: string, state: ParseState, start: ConfSection | undefined, include: IncludeResolver | undefined): void {
  let current = start;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = stripComment(raw).trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      const directive = /^#\s*(include|tryinclude)\s+(.+)$/i.exec(line);
      if (!directive || !include) return;
      const optional = (directive[1] ?? '').toLowerCase() === 'tryinclude';
      const name = unquote(directive[2] ?? '');
      if (state.depth >= MAX_INCLUDE_DEPTH) return;
      const files = include(name);
      if (files.length === 0 && !optional) {
        throw new ConfIncludeError(`line ${index + 1}: the file '${name}' was listed as a #include but it does not exist`);
      }
      state.depth += 1;
      for (const file of files) parseInto(file.text, state, current, include);
      state.depth -= 1;
      return;
    }
    const header = /^\[([^\]]+)\]\s*(?:\(([^)]*)\))?/.exec(line);
    if (header) {
      const options = (header[2] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      current = {
        name: (header[1] ?? '').trim(),
        isTemplate: options.includes('!'),
        templates: options.filter((o) => o !== '!' && o !== '+'),
        entries: [],
      };
      state.sections.push(current);
      return;
    }
    if (!current) return;
    const arrow = line.indexOf('=>');
    const eq = line.indexOf('=');
    if (eq < 0) return;
    const isArrow = arrow >= 0 && arrow === eq;
    const key = line.slice(0, eq).trim();
    const value = line.slice(isArrow ? eq + 2 : eq + 1).trim();
    if (key === '') return;
    current.entries.push({ key, value, arrow: isArrow, line: index + 1 });
  });
}

/** `"file.conf"` and `<file.conf>` name the same file as `file.conf`. */
function unquote(text: string): string {
  const t = text.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith('<') && t.endsWith('>'))) return t.slice(1, -1).trim();
  return t;
}

/**
 * Asterisk's resolution of an include name: relative names are relative to the configuration
 * directory (ast_config_AST_CONFIG_DIR), not to the including file; a `*` in the file name is a
 * glob (files in name order).
 */
export function directoryIncludes(configDir: string): IncludeResolver {
  return (name) => {
    const path = isAbsolute(name) ? name : join(configDir, name);
    const file = basename(path);
    if (!file.includes('*')) return existsSync(path) ? [{ path, text: readFileSync(path, 'utf8') }] : [];
    const dir = dirname(path);
    if (!existsSync(dir)) return [];
    const pattern = globPattern(file);
    return readdirSync(dir)
      .filter((f) => pattern.test(f))
      .sort()
      .map((f) => ({ path: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
  };
}

/** A section with its templates' entries applied first (own entries win by coming later). */
export function resolvedEntries(sections: ConfSection[], section: ConfSection, depth = 0): ConfEntry[] {
  if (depth > 10) return section.entries;
  const inherited: ConfEntry[] = [];
  for (const tplName of section.templates) {
    const tpl = sections.find((s) => s.name === tplName && s !== section);
    if (tpl) inherited.push(...resolvedEntries(sections, tpl, depth + 1));
  }
  return [...inherited, ...section.entries];
}

/** Last value of `key` (case-insensitive) among entries, or undefined. */
export function lastValue(entries: ConfEntry[], key: string): string | undefined {
  let found: string | undefined;
  const lower = key.toLowerCase();
  for (const e of entries) if (e.key.toLowerCase() === lower) found = e.value;
  return found;
}

/** `pjsip_*.conf` as a regular expression: `*` is any run of characters, the rest is literal. */
function globPattern(glob: string): RegExp {
  const literal = (part: string): string => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${glob.split('*').map(literal).join('.*')}$`);
}

/** A configuration file of `dir` with its includes; a missing file is empty. */
export function readConfFile(dir: string, file: string): ConfSection[] {
  const path = join(dir, file);
  if (!existsSync(path)) return [];
  try {
    return parseConf(readFileSync(path, 'utf8'), directoryIncludes(dir));
  } catch (err) {
    if (err instanceof ConfIncludeError) throw new ConfIncludeError(`${path}: ${err.message}`);
    throw err;
  }
}
