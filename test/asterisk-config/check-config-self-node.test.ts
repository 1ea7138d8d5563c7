/**
 * With several Asterisk nodes each has its own AMI and ARI credentials (the README's `nodes` list).
 * `npm run check-config -- --self b` on node b's Asterisk host checks node b's manager.conf and
 * ari.conf: they must be compared with node b's settings, not node a's. Otherwise a correct node b
 * is reported broken, and a node b carrying node a's secret (which the server could not log in
 * with) passes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../asterisk-config/scripts/check-config.js';
import { renderInternodeConf } from '../../asterisk-config/scripts/internode-render.js';
import { copyOfShipped, edit, stubSounds } from './support.js';

const sounds = stubSounds();
const ADDRESS = { a: '10.0.0.11', b: '10.0.0.12' } as const;
type Node = keyof typeof ADDRESS;

const secretOf = (node: Node) => `secret-of-node-${node}`;

/** The server's settings: two nodes, each with its own secrets (both Asterisk on the loopback, as the shipped files bind). */
const env: NodeJS.ProcessEnv = {
  CTI_NODES: JSON.stringify(
    (['a', 'b'] as const).map((name) => ({
      name,
      ami: { host: '127.0.0.1', port: 5038, user: 'cti', secret: secretOf(name) },
      ari: { url: 'http://127.0.0.1:8088', user: 'cti', password: secretOf(name) },
    })),
  ),
};

/** Node `self`'s Asterisk configuration: the shipped files with its generated trunk, its systemname and the secrets given. */
function nodeConfig(self: Node, secret: string): string {
  const dir = copyOfShipped();
  const other: Node = self === 'a' ? 'b' : 'a';
  writeFileSync(join(dir, 'pjsip_internode.conf'), renderInternodeConf({ self, peers: [{ name: other, address: ADDRESS[other] }] }));
  writeFileSync(join(dir, 'asterisk.conf'), `[options]\nsystemname = ${self}\n`);
  edit(dir, 'manager.conf', /^secret = cti-secret$/m, `secret = ${secret}`);
  edit(dir, 'ari.conf', /^password = cti-secret$/m, `password = ${secret}`);
  return dir;
}

async function check(self: Node, secret: string): Promise<{ status: number; errors: string[] }> {
  const printed: string[] = [];
  const status = await main(['--asterisk-config', nodeConfig(self, secret), '--sounds', sounds, '--demo', '--self', self], env, (line) => printed.push(line));
  return { status, errors: printed.filter((l) => l.startsWith('ERROR')) };
}

describe('check-config --self on the second node of several', () => {
  it('node a with node a\'s secrets passes', async () => {
    expect(await check('a', secretOf('a'))).toEqual({ status: 0, errors: [] });
  });

  it('node b with node b\'s own secrets passes: they are compared with node b\'s settings', async () => {
    expect(await check('b', secretOf('b'))).toEqual({ status: 0, errors: [] });
  });

  it('node b carrying node a\'s secrets is an error: the server logs in to b with b\'s', async () => {
    const { status, errors } = await check('b', secretOf('a'));
    expect(errors.map((l) => l.split(':')[0])).toEqual(['ERROR   ami-secret', 'ERROR   ari-password']);
    // Named as the operator finds them: node b's entry of the node list.
    expect(errors[0]).toContain("the secret differs from node b's ami.secret (CTI_NODES)");
    expect(status).toBe(1);
  });

  it('a --self that is not a node of the server\'s settings cannot be checked (exit 2)', async () => {
    const printed: string[] = [];
    const status = await main(['--asterisk-config', nodeConfig('b', secretOf('b')), '--sounds', sounds, '--demo', '--nodes', 'b,c', '--self', 'c'], env, (line) => printed.push(line));
    expect(status).toBe(2);
    expect(printed.join('\n')).toMatch(/--self c is not one of the nodes of the server's settings \(a, b\)/);
  });
});
