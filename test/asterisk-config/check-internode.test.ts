/**
 * npm run check-config with several Asterisk nodes: a copy of the shipped configuration with a
 * generated pjsip_internode.conf is clean; a broken trunk to a peer, a from-internode that reaches
 * the hotline or the carrier, peers missing or extra against --nodes, and systemname are found.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../asterisk-config/scripts/check-config.js';
import type { InternodeOptions } from '../../asterisk-config/scripts/check-internode.js';
import type { Finding } from '../../asterisk-config/scripts/findings.js';
import { renderInternodeConf } from '../../asterisk-config/scripts/internode-render.js';
import { runCheck } from '../../asterisk-config/scripts/run-check.js';
import { readServerFacts } from '../../asterisk-config/scripts/server-facts.js';
import { SHIPPED, SHIPPED_ENV, copyOfShipped, edit, stubSounds } from './support.js';

const sounds = stubSounds();
const facts = await readServerFacts(SHIPPED_ENV, { demo: true });

const NODES = { a: '10.0.0.11', b: '10.0.0.12', c: '10.0.0.13' } as const;
type Node = keyof typeof NODES;

/** The configuration of node `self` of `nodes`, with its generated file and (unless told) an asterisk.conf naming it. */
function nodeConfig(self: Node, nodes: Node[], systemname: string | null = self): string {
  const dir = copyOfShipped();
  const peers = nodes.filter((n) => n !== self).map((name) => ({ name, address: NODES[name] }));
  writeFileSync(join(dir, 'pjsip_internode.conf'), renderInternodeConf({ self, peers }));
  if (systemname !== null) writeFileSync(join(dir, 'asterisk.conf'), `[options]\nverbose = 3\nsystemname = ${systemname}\n`);
  return dir;
}

const check = (dir: string, options: InternodeOptions = {}): Finding[] => runCheck(dir, sounds, facts, options);
/** Findings beyond the shipped configuration's own two warnings about its placeholder secrets. */
const extra = (findings: Finding[]) => findings.filter((f) => f.code !== 'default-secret' && f.code !== 'placeholder-password');
const lines = (findings: Finding[]) => extra(findings).map((f) => `${f.level} ${f.code}: ${f.message}`);
const codes = (findings: Finding[]) => extra(findings).map((f) => f.code);

describe('a node of several, as generated', () => {
  it('two nodes and three nodes: nothing to report', () => {
    expect(lines(check(nodeConfig('a', ['a', 'b'])))).toEqual([]);
    expect(lines(check(nodeConfig('b', ['a', 'b', 'c']), { self: 'b', nodes: ['a', 'b', 'c'] }))).toEqual([]);
  });

  it('a single node is not checked for any of it', () => {
    expect(lines(check(SHIPPED))).toEqual([]);
  });

  it('without asterisk.conf in the directory: a warning that systemname must be set', () => {
    const found = extra(check(nodeConfig('a', ['a', 'b'], null), { self: 'a' }));
    expect(found.map((f) => [f.level, f.code])).toEqual([['warning', 'systemname-unchecked']]);
    expect(found[0]?.message).toContain('"systemname = a"');
  });
});

describe('a broken trunk to a peer node', () => {
  it('no identify: calls from the peer would be refused', () => {
    const dir = nodeConfig('a', ['a', 'b', 'c']);
    edit(dir, 'pjsip_internode.conf', /\[internode-c\]\(internode-identify\)\nendpoint = internode-c\nmatch = 10.0.0.13\n/, '');
    expect(lines(check(dir))).toEqual([expect.stringMatching(/^error internode-identify: no identify with a match names endpoint internode-c/)]);
  });

  it('the wrong context, an endpoint off the template', () => {
    const dir = nodeConfig('a', ['a', 'b']);
    edit(dir, 'pjsip_internode.conf', '[internode-b](internode-endpoint)\naors = internode-b\n', '[internode-b]\ntype = endpoint\ncontext = agents\naors = internode-b\n');
    expect(codes(check(dir))).toEqual(['internode-template', 'internode-context']);
    expect(lines(check(dir))[1]).toMatch(/calls from node b \(endpoint internode-b\) go to context agents, not from-internode/);
  });

  it('an AOR without a contact or without qualify', () => {
    const dir = nodeConfig('a', ['a', 'b']);
    edit(dir, 'pjsip_internode.conf', 'contact = sip:10.0.0.12:5060\n', '');
    expect(codes(check(dir))).toEqual(['internode-aor']);
    const other = nodeConfig('a', ['a', 'b']);
    edit(other, 'pjsip_internode.conf', 'contact = sip:10.0.0.12:5060\n', 'contact = sip:10.0.0.12:5060\nqualify_frequency = 0\n');
    expect(codes(check(other))).toEqual(['internode-qualify']);
  });

  it('a node given by an IPv6 address while the IPv6 transport is still commented out', () => {
    const dir = nodeConfig('a', ['a', 'b']);
    writeFileSync(join(dir, 'pjsip_internode.conf'), renderInternodeConf({ self: 'a', peers: [{ name: 'b', address: '2001:db8::12' }] }));
    expect(lines(check(dir))).toEqual([expect.stringMatching(/^error internode-transport: endpoint internode-b uses transport transport-udp6, which pjsip.conf does not define/)]);
    edit(dir, 'pjsip.conf', ';[transport-udp6]\n;type = transport\n;protocol = udp\n;bind = [::]:5060', '[transport-udp6]\ntype = transport\nprotocol = udp\nbind = [::]:5060');
    expect(lines(check(dir))).toEqual([]);
  });

  it('a pjsip.conf that does not read the generated file', () => {
    const dir = nodeConfig('a', ['a', 'b']);
    edit(dir, 'pjsip.conf', /^#tryinclude pjsip_internode.conf$/m, '');
    expect(codes(check(dir))).toEqual(['internode-not-included']);
  });
});

describe('a from-internode that reaches more than the agent phones', () => {
  it('the hotline application', () => {
    const dir = nodeConfig('a', ['a', 'b']);
    edit(dir, 'extensions.conf', 'exten => _X.,1,Hangup(1)', 'exten => _X.,1,Stasis(${HOTLINE_APP},${EXTEN})');
    expect(lines(check(dir))).toEqual([expect.stringMatching(/^error internode-exposes: from-internode,_X\. enters Stasis\(\) for a call from another node/)]);
  });

  it('the hotline DIDs by an include, outbound by a Goto, emergency by a Local channel, the carrier by Dial', () => {
    const viaInclude = nodeConfig('a', ['a', 'b']);
    edit(viaInclude, 'extensions.conf', 'exten => i,1,Hangup(1)\n\n; ---- Calls to numbers', 'exten => i,1,Hangup(1)\ninclude => from-pstn\n\n; ---- Calls to numbers');
    const found = extra(check(viaInclude));
    expect(new Set(found.map((f) => f.code))).toEqual(new Set(['internode-exposes']));
    expect(found.map((f) => f.message)).toEqual(expect.arrayContaining([expect.stringMatching(/reaches \[from-pstn\] from \[from-internode\]/), expect.stringMatching(/^from-pstn,12345 enters Stasis\(\)/)]));

    const viaGoto = nodeConfig('a', ['a', 'b']);
    edit(viaGoto, 'extensions.conf', 'exten => _X.,1,Hangup(1)', 'exten => _X.,1,Goto(outbound,${EXTEN},1)');
    const outbound = extra(check(viaGoto));
    expect(outbound.map((f) => f.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/reaches \[outbound\]/), expect.stringMatching(/reaches \[emergency\]/), expect.stringMatching(/dials PJSIP\/\$\{EXTEN\}@trunk \(the carrier trunk\)/)]),
    );

    const viaLocal = nodeConfig('a', ['a', 'b']);
    edit(viaLocal, 'extensions.conf', 'exten => _X.,1,Hangup(1)', 'exten => _X.,1,Dial(Local/${EXTEN}@emergency,60)');
    expect(extra(check(viaLocal)).map((f) => f.message)).toEqual(expect.arrayContaining([expect.stringMatching(/reaches \[emergency\]/)]));

    const viaTrunk = nodeConfig('a', ['a', 'b']);
    edit(viaTrunk, 'extensions.conf', 'exten => _1XXX,1,Dial(PJSIP/${EXTEN},120)', 'exten => _1XXX,1,Dial(PJSIP/${EXTEN}&PJSIP/${EXTEN}@trunk,120)');
    expect(lines(check(viaTrunk))).toEqual([expect.stringMatching(/^error internode-exposes: from-internode,_1XXX dials PJSIP\/\$\{EXTEN\}@trunk \(the carrier trunk\)/)]);
  });

  it('a jump the check cannot follow, a ring time shorter than the server’s, no from-internode at all', () => {
    const dir = nodeConfig('a', ['a', 'b']);
    edit(dir, 'extensions.conf', 'exten => _X.,1,Hangup(1)', 'exten => _X.,1,Goto(${TARGET},${EXTEN},1)');
    expect(codes(check(dir))).toEqual(['internode-jump']);
    const short = nodeConfig('a', ['a', 'b']);
    edit(short, 'extensions.conf', 'Dial(PJSIP/${EXTEN},120)', 'Dial(PJSIP/${EXTEN},20)');
    expect(codes(check(short))).toEqual(['internode-ring-time']);
    const none = nodeConfig('a', ['a', 'b']);
    edit(none, 'extensions.conf', '[from-internode]', '[from-elsewhere]');
    expect(codes(check(none))).toEqual(['endpoint-context', 'internode-context-missing']);
  });
});

describe('--nodes and --self', () => {
  it('a peer missing from the generated file, or one that is not a node of the centre', () => {
    const dir = nodeConfig('a', ['a', 'b', 'c']);
    const missing = extra(check(dir, { self: 'a', nodes: ['a', 'b', 'c', 'd'] }));
    expect(missing.map((f) => f.code)).toEqual(['internode-peer-missing']);
    expect(missing[0]?.message).toMatch(/^node d has no endpoint internode-d: .* npm run internode-config -- --self a --node b=<address> --node c=<address> --node d=<address>$/);
    expect(lines(check(dir, { self: 'a', nodes: ['a', 'b'] }))).toEqual([expect.stringMatching(/^error internode-peer-extra: endpoint internode-c: node c is not one of --nodes a,b;/)]);
  });

  it('the file of another node: this node listed as its own peer', () => {
    const dir = nodeConfig('a', ['a', 'b', 'c'], 'b');
    const found = lines(check(dir, { self: 'b', nodes: ['a', 'b', 'c'] }));
    expect(found).toEqual([
      expect.stringMatching(/^error internode-peer-missing: node a has no endpoint internode-a/),
      expect.stringMatching(/^error internode-peer-extra: endpoint internode-b: node b is this node itself/),
    ]);
  });

  it('even with no generated file, --nodes asks for every peer', () => {
    expect(codes(check(copyOfShipped(), { self: 'a', nodes: ['a', 'b'] }))).toEqual(['internode-peer-missing', 'systemname-unchecked']);
  });

  it('systemname: missing, another node’s, or left to the host name', () => {
    expect(lines(check(nodeConfig('a', ['a', 'b'], ''), { self: 'a' }))).toEqual([expect.stringMatching(/^error systemname-missing: asterisk.conf sets no systemname in \[options\]: add "systemname = a"/)]);
    expect(lines(check(nodeConfig('a', ['a', 'b'], 'b'), { self: 'a' }))).toEqual(['error systemname-mismatch: asterisk.conf has systemname = b, but this is node a (--self): set "systemname = a"']);
    const auto = nodeConfig('a', ['a', 'b']);
    writeFileSync(join(auto, 'asterisk.conf'), '[options]\nautosystemname = yes\n');
    expect(codes(check(auto, { self: 'a' }))).toEqual(['systemname-auto']);
  });

  it('on the command line: exit 1 with a missing peer, 2 for node names it cannot use', async () => {
    const dir = nodeConfig('a', ['a', 'b']);
    const printed: string[] = [];
    const print = (line: string) => printed.push(line);
    const run = (...args: string[]) => main(['--asterisk-config', dir, '--sounds', sounds, '--demo', ...args], SHIPPED_ENV, print);
    expect(await run('--nodes', 'a,b', '--self', 'a')).toBe(0);
    expect(await run('--nodes', 'a,b,c', '--self', 'a')).toBe(1);
    expect(printed.some((l) => l.startsWith('ERROR   internode-peer-missing: node c'))).toBe(true);
    expect(await run('--nodes', 'a,b')).toBe(2);
    expect(printed.at(-1)).toMatch(/^--nodes needs --self/);
    // Without --nodes, the nodes listed in the server's settings are the centre's.
    const nodes = (names: string[]) => JSON.stringify(names.map((name) => ({ name, ami: { host: '127.0.0.1', port: 5038, user: 'cti', secret: 'cti-secret' }, ari: { url: 'http://127.0.0.1:8088', user: 'cti', password: 'cti-secret' } })));
    expect(await main(['--asterisk-config', dir, '--sounds', sounds, '--demo', '--self', 'a'], { ...SHIPPED_ENV, CTI_NODES: nodes(['a', 'b']) }, print)).toBe(0);
    expect(printed).toContain("nodes from the server's settings: a, b");
    expect(await main(['--asterisk-config', dir, '--sounds', sounds, '--demo', '--self', 'a'], { ...SHIPPED_ENV, CTI_NODES: nodes(['a', 'b', 'c']) }, print)).toBe(1);
    expect(printed.some((l) => l.startsWith('ERROR   internode-peer-missing: node c'))).toBe(true);
    expect(await run('--nodes', 'a,B,b,b', '--self', 'c')).toBe(2);
    expect(printed.at(-1)).toMatch(/"B" is not a node name[\s\S]*b given more than once[\s\S]*--self c is not one of --nodes a,B,b,b/);
  });
});
