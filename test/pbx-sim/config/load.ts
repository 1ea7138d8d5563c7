/** Build the core's configuration from an Asterisk configuration directory. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dialplan } from '../core/dialplan.js';
import type { PbxConfig } from '../core/pbx.js';
import { readMohClasses, readPjsipEndpoints, readQueues } from './readers.js';

/** The product's reference configuration (`asterisk-config/`), found from the cwd or this module. */
export function defaultConfigDir(): string {
  const starts = [process.cwd(), dirname(fileURLToPath(import.meta.url))];
  for (const start of starts) {
    let dir = resolve(start);
    for (let i = 0; i < 8; i++) {
      const candidate = join(dir, 'asterisk-config');
      if (existsSync(join(candidate, 'extensions.conf'))) return candidate;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return join(process.cwd(), 'asterisk-config');
}

export function loadPbxConfig(configDir: string, overrides: Partial<PbxConfig> = {}): PbxConfig {
  const endpoints = readPjsipEndpoints(configDir).map((e) => ({
    resource: e.name,
    context: e.context,
    ...(e.staticContact !== undefined ? { staticContact: e.staticContact } : {}),
    qualified: e.qualifyFrequency > 0,
    qualifyFrequency: e.qualifyFrequency,
    language: e.language,
  }));
  return {
    dialplan: Dialplan.fromDir(configDir),
    endpoints,
    queues: readQueues(configDir),
    mohClasses: readMohClasses(configDir),
    ...overrides,
  };
}
