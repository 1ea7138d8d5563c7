/**
 * What a system of several simulated Asterisk nodes needs around the simulators: each node's
 * configuration directory (with its inter-node trunks) and the server's `nodes` setting naming them.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../config.js';
import { renderInternodeConf } from '../../asterisk-config/scripts/internode-render.js';
import { defaultConfigDir } from '../pbx-sim/config/load.js';
import type { PbxSim } from '../pbx-sim/index.js';

/**
 * A node's Asterisk configuration as a deployment has it: the shipped `asterisk-config/` with the
 * `pjsip_internode.conf` that `npm run internode-config` writes for it (its addresses are never
 * dialled by the simulator, which joins nodes with linkPbxSims).
 */
export function nodeConfigDir(self: string, names: string[]): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `cti-node-${self}-`));
  cpSync(defaultConfigDir(), dir, { recursive: true });
  const peers = names.filter((n) => n !== self).map((name, i) => ({ name, address: `10.0.0.${11 + i}` }));
  if (peers.length > 0) writeFileSync(join(dir, 'pjsip_internode.conf'), renderInternodeConf({ self, peers }));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The `nodes` setting for these simulators, in their order. */
export function nodesConfig(sims: Record<string, PbxSim>): NonNullable<Config['nodes']> {
  return Object.entries(sims).map(([name, sim]) => ({
    name,
    ami: { host: '127.0.0.1', port: sim.amiPort, user: 'cti', secret: 'cti-secret' },
    ari: { url: sim.httpUrl, user: 'cti', password: 'cti-secret' },
  }));
}
