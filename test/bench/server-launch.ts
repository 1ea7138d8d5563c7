/**
 * The node options the server runs with in service: those of `npm start` (package.json), so that the
 * bench measures the server as it is launched, with no second list to keep in step.
 */
import { readFileSync } from 'node:fs';

/** The options between `node` and `dist/main.js` in a start script, e.g. `npm run build && node --no-memory-reducer dist/main.js`. */
export function nodeOptionsOf(startScript: string): string[] {
  const launch = /(?:^|&&\s*)node((?:\s+-[^\s]+)*)\s+dist\/main\.js\s*$/.exec(startScript.trim());
  if (!launch) throw new Error(`the start script does not end in "node [options] dist/main.js": "${startScript}"`);
  return (launch[1] ?? '').split(/\s+/).filter((option) => option !== '');
}

/** The node options of `npm start`, read from the package.json in the working directory. */
export function serverNodeOptions(packageJsonPath = 'package.json'): string[] {
  const manifest = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { scripts?: { start?: unknown } };
  const start = manifest.scripts?.start;
  if (typeof start !== 'string') throw new Error(`${packageJsonPath} has no start script`);
  return nodeOptionsOf(start);
}
