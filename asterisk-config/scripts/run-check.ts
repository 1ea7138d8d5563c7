/** All checks of an Asterisk configuration directory against the CTI server's settings and data. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readAsteriskFiles } from './asterisk-files.js';
import { checkCredentials } from './check-credentials.js';
import { checkDids } from './check-dids.js';
import { checkEndpoints } from './check-endpoints.js';
import { checkInternode, type InternodeOptions } from './check-internode.js';
import { checkOutage } from './check-outage.js';
import { checkPrompts } from './check-prompts.js';
import { checkSessions } from './check-sessions.js';
import { error, warning, type Finding } from './findings.js';
import type { ServerFacts } from './server-facts.js';

/** Asterisk's sounds for language zh, where a running centre keeps its prompts. */
export const SYSTEM_SOUNDS = '/var/lib/asterisk/sounds/zh';

/** Prompts generated next to the configuration (npm run prompts), else the system's. */
export function defaultSoundsDir(asteriskDir: string): string {
  const local = join(asteriskDir, 'sounds', 'zh');
  return existsSync(local) ? local : SYSTEM_SOUNDS;
}

/** `internode`: --nodes and --self, for a centre with several Asterisk nodes (check-internode.ts). */
export function runCheck(asteriskDir: string, soundsDir: string, facts: ServerFacts, internode: InternodeOptions = {}): Finding[] {
  const files = readAsteriskFiles(asteriskDir);
  return [
    ...files.missing.map((name) => error('file-missing', `${name} is missing from ${asteriskDir}`)),
    ...files.notes.map((note) => warning('not-checked', note)),
    ...checkDids(files, facts),
    ...checkCredentials(files, facts),
    ...checkSessions(files, facts),
    ...checkEndpoints(files, facts),
    ...checkOutage(files, facts),
    ...checkInternode(files, internode),
    ...checkPrompts(facts, soundsDir),
  ];
}
