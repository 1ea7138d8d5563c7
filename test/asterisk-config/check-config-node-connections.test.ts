/**
 * With a node list (CTI_NODES) the server opens to each node's ARI the connections of that node's
 * entry (`ari.connections`, else 32): a CTI_ARI_CONNECTIONS beside the list is not used for any node
 * (main.ts links every node from `nodesOf`). `npm run check-config` without --self checks the first
 * node's files: it must count what the server opens to that node, as `--self a` does, and not refuse a
 * correct http.conf with a sessionlimit error for connections the server never opens.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../asterisk-config/scripts/check-config.js';
import { SHIPPED, stubSounds } from './support.js';

const sounds = stubSounds();

/** One node, with the shipped credentials; `connections` in its entry when given. */
const nodes = (connections?: number) =>
  JSON.stringify([
    {
      name: 'a',
      ami: { host: '127.0.0.1', port: 5038, user: 'cti', secret: 'cti-secret' },
      ari: { url: 'http://127.0.0.1:8088', user: 'cti', password: 'cti-secret', ...(connections ? { connections } : {}) },
    },
  ]);

async function check(env: NodeJS.ProcessEnv, args: string[] = []): Promise<{ status: number; errors: string[] }> {
  const printed: string[] = [];
  const status = await main(['--asterisk-config', SHIPPED, '--sounds', sounds, '--demo', ...args], env, (line) => printed.push(line));
  return { status, errors: printed.filter((l) => l.startsWith('ERROR')) };
}

describe('check-config counts the ARI connections the server opens to the node checked', () => {
  it('a CTI_ARI_CONNECTIONS the server does not use with a node list is not counted, with or without --self', async () => {
    const env = { CTI_NODES: nodes(), CTI_ARI_CONNECTIONS: '150' };
    expect(await check(env, ['--self', 'a'])).toEqual({ status: 0, errors: [] });
    expect(await check(env)).toEqual({ status: 0, errors: [] });
  });

  it("(control) node a's own ari.connections beyond the shipped sessionlimit is an error naming that entry", async () => {
    const { status, errors } = await check({ CTI_NODES: nodes(150) });
    expect(status).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("150 ARI connections (node a's ari.connections (CTI_NODES))");
  });
});
