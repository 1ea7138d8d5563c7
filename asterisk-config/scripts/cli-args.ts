/** Command-line helpers of the asterisk-config tools. */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `--name value`, `--name=value` and `--flag` options; anything else is refused. */
export function parseArgs(argv: string[], valued: readonly string[], flags: readonly string[]): Map<string, string> {
  return parseArgLists(argv, valued, flags, []).options;
}

/**
 * Like parseArgs, and `repeated` options (`--node b=… --node c=…`) collected in order in `lists`
 * (an empty list when not given).
 */
export function parseArgLists(
  argv: string[],
  valued: readonly string[],
  flags: readonly string[],
  repeated: readonly string[],
): { options: Map<string, string>; lists: Map<string, string[]> } {
  const options = new Map<string, string>();
  const lists = new Map<string, string[]>(repeated.map((name) => [name, []]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? arg.slice(2, eq > 0 ? eq : undefined) : '';
    if (flags.includes(name) && eq < 0) options.set(name, 'yes');
    else if (valued.includes(name) || repeated.includes(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new Error(`--${name} needs a value`);
      const list = lists.get(name);
      if (list) list.push(value);
      else options.set(name, value);
    } else throw new Error(`unknown option ${arg}`);
  }
  return { options, lists };
}

/** True when the module (its import.meta.url) is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && realpathSync(script) === fileURLToPath(moduleUrl);
}
