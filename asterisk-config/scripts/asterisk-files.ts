/** The Asterisk configuration directory, read once for all checks. */
import { readConf, type ConfFile } from './conf-file.js';
import { parseDialplan, type Dialplan } from './dialplan.js';
import { readPjsip, type Pjsip } from './pjsip.js';

export interface AsteriskFiles {
  dir: string;
  manager: ConfFile | undefined;
  ari: ConfFile | undefined;
  http: ConfFile | undefined;
  pjsip: Pjsip | undefined;
  dialplan: Dialplan | undefined;
  /** File names that the CTI server needs and are not in the directory. */
  missing: string[];
  /** Includes that were not found, `#exec` lines. */
  notes: string[];
}

export const REQUIRED_FILES = ['extensions.conf', 'pjsip.conf', 'manager.conf', 'ari.conf', 'http.conf'] as const;

export function readAsteriskFiles(dir: string): AsteriskFiles {
  const [extensions, pjsip, manager, ari, http] = REQUIRED_FILES.map((name) => readConf(dir, name));
  return {
    dir,
    manager,
    ari,
    http,
    pjsip: pjsip ? readPjsip(pjsip) : undefined,
    dialplan: extensions ? parseDialplan(extensions) : undefined,
    missing: REQUIRED_FILES.filter((_, i) => [extensions, pjsip, manager, ari, http][i] === undefined),
    notes: [extensions, pjsip, manager, ari, http].flatMap((f) => f?.notes ?? []),
  };
}
