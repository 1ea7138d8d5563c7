/**
 * A small, tolerant reader for Asterisk `.conf` files.
 *
 * Handles what the reference and lab configurations use: `[section]`, `[name](template)`,
 * `[name](!)` templates, `[name](!,tpl)`, `key = value` and `key => value`, `;` comments (with `\;`
 * escapes), blank lines, and repeated section names (PJSIP uses `[1001]` for an endpoint, an aor and
 * an auth). Anything it does not understand (`#include`, `#exec`) is skipped rather than rejected.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

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

export function parseConf(text: string): ConfSection[] {
  const sections: ConfSection[] = [];
  let current: ConfSection | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = stripComment(raw).trim();
    if (line === '' || line.startsWith('#')) return;
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
      sections.push(current);
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
  return sections;
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

export function readConfFile(dir: string, file: string): ConfSection[] {
  const path = join(dir, file);
  if (!existsSync(path)) return [];
  return parseConf(readFileSync(path, 'utf8'));
}
