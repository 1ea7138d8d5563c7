/**
 * AMI event classes ("privileges"), as Asterisk's manager.c defines them.
 *
 * Every event carries one class; a session receives it only when both its user's read permission
 * and its own event mask (Login `Events:` / action `Events`) contain that class.
 */

export const EventFlag = {
  system: 1 << 0,
  call: 1 << 1,
  log: 1 << 2,
  verbose: 1 << 3,
  command: 1 << 4,
  agent: 1 << 5,
  user: 1 << 6,
  config: 1 << 7,
  dtmf: 1 << 8,
  reporting: 1 << 9,
  cdr: 1 << 10,
  dialplan: 1 << 11,
  originate: 1 << 12,
  agi: 1 << 13,
  cc: 1 << 15,
  aoc: 1 << 16,
  test: 1 << 17,
  security: 1 << 18,
  message: 1 << 30,
} as const;
export type EventClass = keyof typeof EventFlag;

/** What `read = all` and `Events: on` mean: manager.c uses INT_MAX, every class bit set. */
export const ALL_CLASSES = 0x7fffffff;

/** Labels in manager.c's table order; `all` matches any non-zero mask, which is why events say `call,all`. */
const LABELS: readonly (readonly [string, number])[] = [
  ...Object.entries(EventFlag),
  ['all', ALL_CLASSES],
  ['none', 0],
];

/** The `Privilege:` value of an event of the given class (manager.c `authority_to_str`). */
export function authorityToString(authority: number): string {
  const labels = LABELS.filter(([label, flag]) => label !== 'none' && (authority & flag) !== 0).map(([label]) => label);
  return labels.length > 0 ? labels.join(',') : '<none>';
}

/** Returned by {@link stringsToMask} for an empty mask; Asterisk answers `Invalid event mask`. */
export const INVALID_MASK = -1;

const TRUE_WORDS = new Set(['yes', 'true', 'y', 't', '1', 'on']);
const FALSE_WORDS = new Set(['no', 'false', 'n', 'f', '0', 'off']);

/**
 * Parse an event mask the way manager.c `strings_to_mask` does: empty → -1 (invalid, "keep as is"),
 * all digits → that number, a false word → 0, a true word → every class, else a comma list of labels.
 */
export function stringsToMask(text: string): number {
  if (text === '') return INVALID_MASK;
  if (/^[0-9]+$/.test(text)) return Number.parseInt(text, 10) | 0;
  const lower = text.toLowerCase();
  if (FALSE_WORDS.has(lower)) return 0;
  if (TRUE_WORDS.has(lower)) return ALL_CLASSES;
  let mask = 0;
  for (const word of lower.split(',')) {
    const entry = LABELS.find(([label]) => label === word.trim());
    if (entry) mask |= entry[1];
  }
  return mask;
}

/** Whether a session with these masks receives an event of class `category` (manager.c `process_events`). */
export function wantsEvent(readPerm: number, eventMask: number, category: number): boolean {
  return (readPerm & category) === category && (eventMask & category) === category;
}
