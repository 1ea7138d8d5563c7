/**
 * With several nodes, each Asterisk needs its own `systemname` (asterisk.conf, [options]): Asterisk
 * then starts every channel's uniqueid with it (`a-1733390000.12`), so the ids the one CTI server
 * keeps calls, recordings and outage records under never collide between nodes. asterisk.conf is
 * not part of this configuration (make samples installs it), so it is checked only when present.
 */
import { isTrue, type ConfFile } from './conf-file.js';
import { error, warning, type Finding } from './findings.js';

export function checkSystemname(asterisk: ConfFile | undefined, dir: string, self: string | undefined): Finding[] {
  const wanted = self ?? "<this node's name>";
  if (!asterisk) {
    return [
      warning(
        'systemname-unchecked',
        `asterisk.conf is not in ${dir}, so the check cannot see it: set "systemname = ${wanted}" in its [options], and on each other node that node's name, or channel ids from two nodes could be the same`,
      ),
    ];
  }
  const options = asterisk.sections.filter((s) => s.name.toLowerCase() === 'options');
  const entry = options.flatMap((s) => s.entries).findLast((e) => e.key.toLowerCase() === 'systemname');
  const value = entry?.value.trim() ?? '';
  const auto = options.flatMap((s) => s.entries).findLast((e) => e.key.toLowerCase() === 'autosystemname');
  if (value === '' && isTrue(auto?.value)) {
    return [
      warning(
        'systemname-auto',
        `asterisk.conf sets autosystemname: the system name is this machine's host name, unique only if every node's host name differs; "systemname = ${wanted}" says it for sure`,
        auto?.at,
      ),
    ];
  }
  if (value === '') {
    return [error('systemname-missing', `asterisk.conf sets no systemname in [options]: add "systemname = ${wanted}" (each node its own), or channel ids from two nodes could be the same`, options[0]?.at)];
  }
  if (self !== undefined && value !== self) {
    return [error('systemname-mismatch', `asterisk.conf has systemname = ${value}, but this is node ${self} (--self): set "systemname = ${self}"`, entry?.at)];
  }
  return [];
}
