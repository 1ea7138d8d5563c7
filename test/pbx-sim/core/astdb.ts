/**
 * Asterisk's internal database (AstDB, `main/db.c`, `/var/lib/asterisk/astdb.sqlite3` on a real
 * system) and the dialplan functions over it (`funcs/func_db.c`): `DB(family/key)` read and write,
 * `DB_EXISTS`, `DB_KEYS(prefix)` and `DB_DELETE(family/key)`. It lives on disk in Asterisk, so the
 * simulator keeps it across a simulated restart.
 *
 * Keys are stored as Asterisk does, `/family/key`. `DB(a/b/c)` is family `a`, key `b/c` (func_db
 * splits on the first `/`). `DB_KEYS(prefix)` lists the distinct next path components under the
 * prefix, comma-separated.
 *
 * Escalation protection (func_db registers `DB` escalating for read and write, `DB_DELETE` for read):
 * a thread serving an external protocol (AMI, ARI, any TCP/TLS session) may not use those without
 * `live_dangerously`; `DB_EXISTS` and `DB_KEYS` are not restricted. `external` below says which.
 */
export class AstDb {
  private readonly entries = new Map<string, string>();

  get(family: string, key: string): string | undefined {
    return this.entries.get(fullKey(family, key));
  }

  put(family: string, key: string, value: string): void {
    this.entries.set(fullKey(family, key), value);
  }

  /** False when the key did not exist. */
  del(family: string, key: string): boolean {
    return this.entries.delete(fullKey(family, key));
  }

  /** Deletes a family (or family/subkey tree); the number of keys removed. */
  delTree(family: string, key = ''): number {
    const prefix = key === '' ? `/${family}` : fullKey(family, key);
    let n = 0;
    for (const k of [...this.entries.keys()]) {
      if (k === prefix || k.startsWith(`${prefix}/`)) {
        this.entries.delete(k);
        n++;
      }
    }
    return n;
  }

  /** The distinct next components below `/prefix` (DB_KEYS), sorted as SQLite's ORDER BY key. */
  keys(prefix: string): string[] {
    const base = `/${prefix.replace(/^\/+|\/+$/g, '')}`;
    const seen = new Set<string>();
    for (const k of [...this.entries.keys()].sort()) {
      const rest = base === '/' ? k.slice(1) : k.startsWith(`${base}/`) ? k.slice(base.length + 1) : undefined;
      if (rest === undefined || rest === '') continue;
      seen.add(rest.split('/')[0] ?? rest);
    }
    return [...seen];
  }

  /** Every entry whose full key starts with `/family[/key]` (AMI DBGetTree, `database show`). */
  tree(family = '', key = ''): [string, string][] {
    const prefix = family === '' ? '/' : key === '' ? `/${family}` : fullKey(family, key);
    return [...this.entries.entries()].filter(([k]) => prefix === '/' || k === prefix || k.startsWith(`${prefix}/`)).sort(([a], [b]) => (a < b ? -1 : 1));
  }
}

function fullKey(family: string, key: string): string {
  return `/${family}/${key}`;
}

/** `family/key` as func_db splits it (the first `/`); undefined when either part is missing. */
export function splitDbPath(arg: string): { family: string; key: string } | undefined {
  const slash = arg.indexOf('/');
  if (slash <= 0 || slash === arg.length - 1) return undefined;
  return { family: arg.slice(0, slash), key: arg.slice(slash + 1) };
}

/** Functions func_db blocks on read from an external protocol without `live_dangerously`. */
const READ_ESCALATES = new Set(['DB', 'DB_DELETE']);
/** ... and on write. */
const WRITE_ESCALATES = new Set(['DB']);

/**
 * Reads `DB(...)`, `DB_EXISTS(...)`, `DB_KEYS(...)`, `DB_DELETE(...)`; undefined when `expr` is not
 * one of them. `external`: read for AMI/ARI (escalating functions read nothing, as Asterisk logs
 * "Dangerous function ... read blocked" and fails the read).
 */
export function readDbFunction(db: AstDb, expr: string, external = false): string | undefined {
  const m = /^(DB|DB_EXISTS|DB_KEYS|DB_DELETE)\((.*)\)$/i.exec(expr.trim());
  if (!m) return undefined;
  const func = (m[1] ?? '').toUpperCase();
  const arg = (m[2] ?? '').trim();
  if (external && READ_ESCALATES.has(func)) return '';
  if (func === 'DB_KEYS') return db.keys(arg).join(',');
  const path = splitDbPath(arg);
  if (!path) return '';
  const value = db.get(path.family, path.key);
  if (func === 'DB_EXISTS') return value === undefined ? '0' : '1';
  if (func === 'DB_DELETE' && value !== undefined) db.del(path.family, path.key);
  return value ?? '';
}

/**
 * Writes `DB(family/key)=value` or `DB_DELETE(family/key)=` (which deletes); false when `name` is
 * not one of them, or the write is refused (escalating from an external protocol).
 */
export function writeDbFunction(db: AstDb, name: string, value: string, external = false): boolean {
  const m = /^(DB|DB_DELETE)\((.*)\)$/i.exec(name.trim());
  if (!m) return false;
  const func = (m[1] ?? '').toUpperCase();
  if (external && WRITE_ESCALATES.has(func)) return false;
  const path = splitDbPath((m[2] ?? '').trim());
  if (!path) return false;
  if (func === 'DB') db.put(path.family, path.key, value);
  else db.del(path.family, path.key);
  return true;
}
