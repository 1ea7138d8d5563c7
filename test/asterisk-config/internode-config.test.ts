/**
 * npm run internode-config: pjsip_internode.conf for one node of several, read back through
 * pjsip.conf's #tryinclude with the shipped templates, and the input it refuses.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastValue, objects, readConf } from '../../asterisk-config/scripts/conf-file.js';
import { main } from '../../asterisk-config/scripts/internode-config.js';
import { NodeInputError, parsePeer } from '../../asterisk-config/scripts/internode-nodes.js';
import { renderInternodeConf } from '../../asterisk-config/scripts/internode-render.js';
import { readPjsip } from '../../asterisk-config/scripts/pjsip.js';
import { copyOfShipped, tempDir } from './support.js';

/** The shipped pjsip.conf with this generated file next to it: every object of type `type`, with its resolved settings. */
function readBack(text: string, type: string): Map<string, Map<string, string>> {
  const dir = copyOfShipped();
  writeFileSync(join(dir, 'pjsip_internode.conf'), text);
  const file = readConf(dir, 'pjsip.conf');
  const found = new Map<string, Map<string, string>>();
  for (const o of objects(file ?? { sections: [], notes: [] })) {
    if (lastValue(o.entries, 'type') !== type) continue;
    found.set(o.section.name, new Map(o.entries.map((e) => [e.key, lastValue(o.entries, e.key) ?? ''])));
  }
  return found;
}

const internode = <T>(map: Map<string, T>) => [...map.keys()].filter((k) => k.startsWith('internode-'));

/** The refusal's message, or a failure when nothing was refused. */
function refusal(render: () => unknown): string {
  try {
    render();
  } catch (e) {
    expect(e).toBeInstanceOf(NodeInputError);
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('the file for one node of two', () => {
  const text = renderInternodeConf({ self: 'a', peers: [{ name: 'b', address: '10.0.0.12' }] });

  it('has an endpoint on the template: context from-internode, codecs of the phones, no auth, through media, PAI', () => {
    const endpoints = readBack(text, 'endpoint');
    expect(internode(endpoints)).toEqual(['internode-b']);
    const b = endpoints.get('internode-b');
    expect(b?.get('context')).toBe('from-internode');
    expect(b?.get('aors')).toBe('internode-b');
    expect(b?.get('allow')).toBe(endpoints.get('1001')?.get('allow'));
    expect(b?.get('direct_media')).toBe('no');
    expect(b?.get('send_pai')).toBe('yes');
    expect(b?.get('trust_id_inbound')).toBe('yes');
    expect(b?.has('auth')).toBe(false);
  });

  it('has an aor with the peer as contact, qualified, and an identify matching its address', () => {
    const aor = readBack(text, 'aor').get('internode-b');
    expect(aor?.get('contact')).toBe('sip:10.0.0.12:5060');
    expect(Number(aor?.get('qualify_frequency'))).toBeGreaterThan(0);
    const identify = readBack(text, 'identify').get('internode-b');
    expect([identify?.get('endpoint'), identify?.get('match')]).toEqual(['internode-b', '10.0.0.12']);
  });

  it('is not a carrier trunk to the other checks', () => {
    const dir = copyOfShipped();
    writeFileSync(join(dir, 'pjsip_internode.conf'), text);
    const pjsip = readPjsip(readConf(dir, 'pjsip.conf') ?? { sections: [], notes: [] });
    expect(pjsip.endpoints.has('internode-b')).toBe(true);
    expect(pjsip.trunks.map((t) => t.name)).toEqual(['trunk']);
  });
});

describe('the file for one node of three', () => {
  it('names each other node once, in name order, with its own contact and match', () => {
    const text = renderInternodeConf({
      self: 'b',
      peers: [
        { name: 'c', address: '2001:db8::13' },
        { name: 'a', address: 'node-a.cti.internal' },
      ],
      port: 5070,
    });
    const endpoints = readBack(text, 'endpoint');
    expect(internode(endpoints)).toEqual(['internode-a', 'internode-c']);
    // transport-udp is IPv4 only: a node given by an IPv6 address is reached over transport-udp6.
    expect([endpoints.get('internode-a')?.get('transport'), endpoints.get('internode-c')?.get('transport')]).toEqual(['transport-udp', 'transport-udp6']);
    const aors = readBack(text, 'aor');
    expect([aors.get('internode-a')?.get('contact'), aors.get('internode-c')?.get('contact')]).toEqual(['sip:node-a.cti.internal:5070', 'sip:[2001:db8::13]:5070']);
    const identifies = readBack(text, 'identify');
    expect(internode(identifies).map((n) => [n, identifies.get(n)?.get('endpoint'), identifies.get(n)?.get('match')])).toEqual([
      ['internode-a', 'internode-a', 'node-a.cti.internal'],
      ['internode-c', 'internode-c', '2001:db8::13'],
    ]);
    expect(text).toContain('npm run internode-config -- --self b --node a=node-a.cti.internal --node c=2001:db8::13 --port 5070');
  });

  it('is the same text whatever order the nodes are given in', () => {
    const peers = [
      { name: 'c', address: '10.0.0.13' },
      { name: 'b', address: '10.0.0.12' },
    ];
    expect(renderInternodeConf({ self: 'a', peers })).toBe(renderInternodeConf({ self: 'a', peers: [...peers].reverse() }));
  });
});

describe('input the generator refuses', () => {
  it('bad names, addresses, ports; duplicates; this node as its own peer; no peer', () => {
    const peer = (name: string, address: string) => ({ name, address });
    expect(refusal(() => renderInternodeConf({ self: 'A', peers: [peer('b', '10.0.0.12')] }))).toMatch(/^--self: "A" is not a node name/);
    expect(refusal(() => renderInternodeConf({ self: 'a', peers: [peer('-b', '10.0.0.12')] }))).toMatch(/"-b" is not a node name/);
    expect(refusal(() => renderInternodeConf({ self: 'a', peers: [peer('b'.repeat(32), '10.0.0.12')] }))).toMatch(/is not a node name/);
    expect(refusal(() => renderInternodeConf({ self: 'a', peers: [peer('b', '10.0.0.300')] }))).toBe('node b: "10.0.0.300" is not an IPv4 or IPv6 address or a host name');
    expect(refusal(() => renderInternodeConf({ self: 'a', peers: [peer('b', 'under_score.example')] }))).toMatch(/not an IPv4 or IPv6 address or a host name/);
    expect(refusal(() => renderInternodeConf({ self: 'a', peers: [peer('b', '10.0.0.12:5060')] }))).toMatch(/has a port; give the address alone/);
    expect(refusal(() => renderInternodeConf({ self: 'a', peers: [peer('b', '10.0.0.0/24')] }))).toMatch(/is a network/);
    expect(refusal(() => renderInternodeConf({ self: 'a', peers: [peer('b', '')] }))).toBe('node b: its address is missing');
    expect(refusal(() => renderInternodeConf({ self: 'a', peers: [peer('b', '10.0.0.12')], port: 70000 }))).toMatch(/a SIP port is a number from 1 to 65535/);
    expect(refusal(() => renderInternodeConf({ self: 'a', peers: [peer('b', '10.0.0.12'), peer('b', '10.0.0.13')] }))).toBe('node b is given more than once');
    expect(refusal(() => renderInternodeConf({ self: 'a', peers: [peer('a', '10.0.0.11'), peer('b', '10.0.0.12')] }))).toBe('node a is this node (--self): it is not its own peer');
    expect(refusal(() => renderInternodeConf({ self: 'a', peers: [peer('b', '2001:db8::1'), peer('c', '[2001:DB8::1]')] }))).toMatch(/^nodes b and c have the same address 2001:db8::1/);
    expect(refusal(() => renderInternodeConf({ self: 'a', peers: [] }))).toMatch(/^no peer node/);
    expect(refusal(() => parsePeer('b'))).toMatch(/write it as <name>=<address>/);
  });

  it('names every problem at once', () => {
    const message = refusal(() =>
      renderInternodeConf({
        self: 'a',
        peers: [
          { name: 'B', address: '10.0.0.12' },
          { name: 'c', address: 'bad address' },
        ],
      }),
    );
    expect(message.split('\n')).toHaveLength(2);
  });
});

describe('the command line', () => {
  it('writes the file, or exits 2 naming the problem and writes nothing', () => {
    const out = join(tempDir('internode'), 'pjsip_internode.conf');
    const lines: string[] = [];
    const print = (line: string) => lines.push(line);
    expect(main(['--self', 'a', '--node', 'b=10.0.0.12', '--node=c=10.0.0.13', '--out', out], print)).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(renderInternodeConf({ self: 'a', peers: [parsePeer('b=10.0.0.12'), parsePeer('c=10.0.0.13')] }));
    expect(lines.at(-1)).toMatch(/wrote .*pjsip_internode.conf for node a/);
    const other = join(tempDir('internode'), 'pjsip_internode.conf');
    expect(main(['--self', 'a', '--node', 'a=10.0.0.11', '--out', other], print)).toBe(2);
    expect(lines.at(-1)).toMatch(/^internode-config: node a is this node/);
    expect(existsSync(other)).toBe(false);
    expect(main(['--node', 'b=10.0.0.12', '--out', other], print)).toBe(2);
    expect(lines.at(-1)).toMatch(/--self <node> is missing/);
    expect(main(['--self', 'a', '--node', 'b=10.0.0.12', '--port', 'x', '--out', other], print)).toBe(2);
    expect(main(['--bogus'], print)).toBe(2);
  });
});
