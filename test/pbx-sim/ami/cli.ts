/**
 * The few CLI commands the AMI `Command` action can run in the simulator, printed as Asterisk 22
 * prints them; anything else gets the CLI's "No such command" line.
 */
import type { AmiHub } from './hub.js';

export interface CliResult {
  /** Asterisk answers `Response: Error` when the CLI command is unknown or fails. */
  ok: boolean;
  /** Output as the CLI would print it, lines ended by `\n`. */
  text: string;
}

/** Real command prefixes, used to word the "No such command" hint like `find_best` does. */
const KNOWN_COMMANDS = [
  'core show version',
  'core show uptime',
  'core show channels',
  'core show help',
  'core show settings',
  'core show sysinfo',
  'pjsip show endpoints',
  'pjsip show contacts',
  'pjsip show aors',
  'dialplan show',
  'dialplan reload',
  'module show',
  'module reload',
  'manager show connected',
  'ari show apps',
  'bridge show all',
  'channel request hangup',
  'queue show',
];

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** `print_uptimestr`: `1 hour, 2 minutes, 3 seconds`. */
function uptimeText(totalSeconds: number): string {
  const parts: string[] = [];
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (days > 0) parts.push(plural(days, 'day'));
  if (hours > 0) parts.push(plural(hours, 'hour'));
  if (minutes > 0) parts.push(plural(minutes, 'minute'));
  if (seconds > 0 || parts.length === 0) parts.push(plural(seconds, 'second'));
  return parts.join(', ');
}

/** `find_best`: the words of the command up to and including the first one no command continues with. */
function bestMatch(words: readonly string[]): string {
  const kept: string[] = [];
  for (const word of words) {
    kept.push(word);
    const prefix = kept.join(' ');
    if (!KNOWN_COMMANDS.some((command) => command === prefix || command.startsWith(`${prefix} `))) break;
  }
  return kept.join(' ');
}

export function runCli(hub: AmiHub, command: string): CliResult {
  const words = command.trim().split(/\s+/).filter((word) => word !== '');
  const line = words.join(' ').toLowerCase();
  if (line === 'core show version') {
    return {
      ok: true,
      text: `Asterisk ${hub.core.version} built by root @ buildhost on a x86_64 running Linux on 2026-11-20 09:00:00 UTC\n`,
    };
  }
  if (line === 'core show uptime' || line === 'core show uptime seconds') {
    const seconds = Math.floor((Date.now() - hub.startedAt.getTime()) / 1000);
    if (line.endsWith('seconds')) return { ok: true, text: `System uptime: ${seconds}\nLast reload: ${seconds}\n` };
    return { ok: true, text: `System uptime: ${uptimeText(seconds)}\nLast reload: ${uptimeText(seconds)}\n` };
  }
  return {
    ok: false,
    text: `No such command '${command}' (type 'core show help ${bestMatch(words)}' for other possible commands)\n`,
  };
}
