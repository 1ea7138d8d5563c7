/**
 * A reader for Asterisk `.conf` files, enough for the config check: `[section]`, templates
 * (`[name](!)`, `[name](tpl)`, `[name](!,tpl)`), `(+)` additions to a section, `key = value` and
 * `key => value`, `;` comments with `\;` escapes, `;-- … --;` block comments, and `#include` /
 * `#tryinclude` of further files (plain names or a `*` in the file name). `#exec` is not run.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';

export interface ConfEntry {
  key: string;
  value: string;
  /** Where it was written, for messages: `extensions.conf:12`. */
  at: string;
}

export interface ConfSection {
  name: string;
  /** `[name](!)`: a template, never an object by itself. */
  template: boolean;
  /** Templates it inherits from, in order. */
  inherits: string[];
  entries: ConfEntry[];
  at: string;
}

export interface ConfFile {
  sections: ConfSection[];
  /** Includes that could not be read, `#exec` lines: things the check could not see. */
  notes: string[];
}

/** Drops comments: `;` to the end of the line (not `\;`), and `;-- … --;` across lines. */
function stripComments(lines: string[]): string[] {
  let inBlock = false;
  return lines.map((line) => {
    let out = '';
    for (let i = 0; i < line.length; i++) {
      if (inBlock) {
        if (line.startsWith('--;', i)) {
          inBlock = false;
          i += 2;
        }
        continue;
      }
      const ch = line[i];
      if (ch === '\\' && line[i + 1] === ';') {
        out += ';';
        i++;
      } else if (ch === ';') {
        if (line.startsWith(';--', i)) {
          inBlock = true;
          i += 2;
          continue;
        }
        break;
      } else out += ch;
    }
    return out;
  });
}

function includedFiles(baseDir: string, spec: string): string[] {
  const name = spec.replace(/^["<]|[">]$/g, '').trim();
  const path = isAbsolute(name) ? name : join(baseDir, name);
  if (!basename(path).includes('*')) return existsSync(path) ? [path] : [];
  const dir = dirname(path);
  if (!existsSync(dir)) return [];
  const pattern = new RegExp(`^${basename(path).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return readdirSync(dir)
    .filter((f) => pattern.test(f))
    .sort()
    .map((f) => join(dir, f));
}

function parseInto(file: ConfFile, path: string, baseDir: string, depth: number): void {
  const label = basename(path);
  const lines = stripComments(readFileSync(path, 'utf8').split(/\r?\n/));
  let current = file.sections.at(-1);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const at = `${label}:${index + 1}`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const directive = /^#(include|tryinclude|exec)\s+(.+)$/i.exec(line);
      if (!directive) return;
      const [, kind = '', spec = ''] = directive;
      if (kind.toLowerCase() === 'exec') {
        file.notes.push(`${at}: #exec ${spec} is not run by the check`);
        return;
      }
      const found = includedFiles(baseDir, spec);
      if (found.length === 0 && kind.toLowerCase() === 'include') file.notes.push(`${at}: #include ${spec} not found`);
      for (const inc of found) {
        if (depth < 10) parseInto(file, inc, baseDir, depth + 1);
      }
      current = file.sections.at(-1);
      return;
    }
    const header = /^\[([^\]]+)\]\s*(?:\(([^)]*)\))?/.exec(line);
    if (header) {
      const name = (header[1] ?? '').trim();
      const options = (header[2] ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== '');
      if (options.includes('+')) {
        const previous = file.sections.findLast((s) => s.name === name);
        if (previous) {
          current = previous;
          return;
        }
      }
      current = { name, template: options.includes('!'), inherits: options.filter((o) => o !== '!' && o !== '+'), entries: [], at };
      file.sections.push(current);
      return;
    }
    const eq = line.indexOf('=');
    if (!current || eq <= 0) return;
    const arrow = line[eq + 1] === '>';
    current.entries.push({ key: line.slice(0, eq).trim(), value: line.slice(eq + (arrow ? 2 : 1)).trim(), at });
  });
}

/** The file `name` in `dir` with its includes, or undefined when there is no such file. */
export function readConf(dir: string, name: string): ConfFile | undefined {
  const path = join(dir, name);
  if (!existsSync(path)) return undefined;
  const file: ConfFile = { sections: [], notes: [] };
  parseInto(file, path, dir, 0);
  return file;
}

/** A section's entries with its templates' entries first (later entries win). */
export function resolvedEntries(sections: ConfSection[], section: ConfSection, depth = 0): ConfEntry[] {
  const inherited: ConfEntry[] = [];
  if (depth < 10) {
    for (const name of section.inherits) {
      const template = sections.find((s) => s.name === name && s !== section);
      if (template) inherited.push(...resolvedEntries(sections, template, depth + 1));
    }
  }
  return [...inherited, ...section.entries];
}

/** The last value of `key` (case-insensitive), as Asterisk keeps for single-valued options. */
export function lastEntry(entries: ConfEntry[], key: string): ConfEntry | undefined {
  const lower = key.toLowerCase();
  return entries.findLast((e) => e.key.toLowerCase() === lower);
}

export function lastValue(entries: ConfEntry[], key: string): string | undefined {
  return lastEntry(entries, key)?.value;
}

/** Asterisk's ast_true(): yes, true, y, t, 1, on. */
export function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(yes|true|y|t|1|on)$/i.test(value.trim());
}

/** Objects of a file: non-template sections with their resolved entries. */
export function objects(file: ConfFile): { section: ConfSection; entries: ConfEntry[] }[] {
  return file.sections.filter((s) => !s.template).map((section) => ({ section, entries: resolvedEntries(file.sections, section) }));
}
