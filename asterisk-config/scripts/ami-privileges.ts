/**
 * What the CTI server does over AMI, and the privilege classes Asterisk requires for it.
 *
 * Actions: an AMI user may run an action when its `write` classes hold any one of the classes the
 * action is registered with (`ast_manager_register_xml_core(name, EVENT_FLAG_…, …)` in Asterisk's
 * main/manager.c and main/db.c; `manager show command <Action>` prints them). Events: a session
 * receives an event when its `read` classes hold the event's class (the `Privilege:` header, minus
 * `all`). Everything the server sends and listens to is in the two tables below; a test compares them
 * with the server's source.
 */

/** Asterisk's class names and bits, in manager.c's `perms[]` order (`all` = INT_MAX, `none` = 0). */
export const AMI_CLASSES = [
  ['system', 1 << 0],
  ['call', 1 << 1],
  ['log', 1 << 2],
  ['verbose', 1 << 3],
  ['command', 1 << 4],
  ['agent', 1 << 5],
  ['user', 1 << 6],
  ['config', 1 << 7],
  ['dtmf', 1 << 8],
  ['reporting', 1 << 9],
  ['cdr', 1 << 10],
  ['dialplan', 1 << 11],
  ['originate', 1 << 12],
  ['agi', 1 << 13],
  ['cc', 1 << 15],
  ['aoc', 1 << 16],
  ['test', 1 << 17],
  ['security', 1 << 18],
  ['message', 1 << 30],
] as const;
export type AmiClass = (typeof AMI_CLASSES)[number][0];

const ALL = 0x7fffffff;
const LABELS: readonly (readonly [string, number])[] = [...AMI_CLASSES, ['all', ALL], ['none', 0]];

export interface AmiAction {
  action: string;
  /** The classes Asterisk registers the action with; any one of them in `write` allows it. Empty: no class needed. */
  accepts: AmiClass[];
  /** What the server uses it for. */
  use: string;
}

export interface AmiEventUse {
  event: string;
  class: AmiClass;
  use: string;
}

/** Every AMI action the CTI server sends (cti/ami/ami-connection.ts, cti/recovery/outage-records.ts). */
export const SERVER_ACTIONS: readonly AmiAction[] = [
  { action: 'Login', accepts: [], use: 'log in' },
  { action: 'Events', accepts: [], use: 'EventMask: system,call after the login' },
  { action: 'Getvar', accepts: ['call', 'reporting'], use: 'DB_KEYS(cti-outage): the survival path’s records' },
  { action: 'DBGet', accepts: ['system', 'reporting'], use: 'read one survival-path record' },
  { action: 'Setvar', accepts: ['call'], use: 'DB_DELETE(cti-outage/<key>) after the import' },
];

/** Every AMI event the CTI server acts on (cti/agents/phone-presence.ts, cti/recovery/outage-importer.ts). */
export const SERVER_EVENTS: readonly AmiEventUse[] = [
  { event: 'ContactStatus', class: 'system', use: 'a phone registered, unregistered or became unreachable' },
  { event: 'DeviceStateChange', class: 'call', use: 'a phone idle, ringing or in use' },
  { event: 'Hangup', class: 'call', use: 'a survival-path call ended: its record is complete' },
];

/** The `read` the server needs: the classes of the events it acts on, nothing more. */
export const READ_NEEDED: readonly AmiClass[] = [...new Set(SERVER_EVENTS.map((e) => e.class))];

/**
 * The `write` granted: `call` (Setvar, also Getvar) and `reporting` (DBGet). DBGet would also take
 * `system`, which allows Restart, Shutdown, ModuleLoad, DBPut/DBDel and SHELL()/EVAL() in Getvar:
 * `reporting` only adds read-only status actions.
 */
export const WRITE_NEEDED: readonly AmiClass[] = ['call', 'reporting'];

/** Why a class beyond the needed ones is dangerous to grant, for the messages. */
export const RISK: Partial<Record<AmiClass | 'all', string>> = {
  all: '全部权限（all），含 command、system、originate、config',
  system: 'system 可执行 Restart、Shutdown、ModuleLoad、DBPut/DBDel，并允许 Getvar 里的 SHELL()/EVAL()',
  command: 'command 可执行任意 CLI 命令（Command 动作，含 core stop now）',
  config: 'config 可读写 /etc/asterisk 的配置（GetConfig/UpdateConfig），包括各处密码',
  originate: 'originate 可向任意号码外呼（Originate）；服务器经 ARI 外呼，不用 AMI',
};

/**
 * The classes a `read =` / `write =` value grants, exactly as manager.c `get_perm` reads it: each
 * label is looked for with `ast_instring(value, label, ',')`, which compares every comma-separated
 * word but the last as a *prefix* (`strncmp` over the word's length) and the last one whole
 * (`strcmp`), case-sensitively, spaces included. So `system, call` grants only system, `a,call`
 * grants agent, agi, aoc and all, and an empty word (`,call`) grants everything.
 */
export function grantedMask(value: string | undefined): number {
  if (value === undefined) return 0;
  let mask = 0;
  for (const [label, bit] of LABELS) if (inString(value, label)) mask |= bit;
  return mask;
}

function inString(big: string, small: string): boolean {
  let start = 0;
  for (;;) {
    const next = big.indexOf(',', start);
    if (next < 0) return big.slice(start) === small;
    const word = big.slice(start, next);
    if (word.length <= small.length && small.startsWith(word)) return true;
    start = next + 1;
    if (start >= big.length) return false;
  }
}

/** Class names of a mask; `all` when every class is in it. */
export function classNames(mask: number): string[] {
  if ((mask & ALL) === ALL) return ['all'];
  return AMI_CLASSES.filter(([, bit]) => (mask & bit) !== 0).map(([label]) => label);
}

export function maskOf(classes: readonly AmiClass[]): number {
  return classes.reduce((mask, c) => mask | (AMI_CLASSES.find(([label]) => label === c)?.[1] ?? 0), 0);
}

export const isAll = (mask: number): boolean => (mask & ALL) === ALL;

/** Words of the value that are not a class name exactly as written (Asterisk ignores or prefix-matches them). */
export function unknownWords(value: string | undefined): string[] {
  if (value === undefined) return [];
  const words = value.split(',');
  // A comma at the end adds no word: ast_instring stops there.
  if (words.length > 1 && words.at(-1) === '') words.pop();
  return words.filter((w) => !LABELS.some(([label]) => label === w));
}
