/**
 * Who can reach AMI and ARI: the kind of address a listener binds to, and what a manager.conf user's
 * `permit`/`deny` rules let in, read the way Asterisk's acl.c applies them (every rule in order, the
 * last one that matches decides, no match means allowed; IPv4 rules never match IPv6 clients).
 */
import { isIP } from 'node:net';
import type { ConfEntry } from './conf-file.js';

export type AddressKind = 'wildcard' | 'loopback' | 'private' | 'public' | 'name';

/** The host of a `bindaddr`/`tlsbindaddr` value: `[::1]:8089` → `::1`, `10.0.0.5:8089` → `10.0.0.5`. */
export function hostOf(bind: string): string {
  const value = bind.trim();
  const bracketed = /^\[([^\]]*)\](?::\d+)?$/.exec(value);
  if (bracketed) return bracketed[1] ?? '';
  // One colon: host:port. More than one: a bare IPv6 address.
  return (value.match(/:/g) ?? []).length === 1 ? value.replace(/:\d*$/, '') : value;
}

function ipv4Bits(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function inIpv4(address: string, network: string, prefix: number): boolean {
  const size = 2 ** (32 - prefix);
  return Math.floor(ipv4Bits(address) / size) === Math.floor(ipv4Bits(network) / size);
}

/** Internal address ranges: RFC 1918, shared address space (RFC 6598), link-local. */
const PRIVATE_V4: [string, number][] = [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
];

export function addressKind(host: string): AddressKind {
  const address = host.trim().toLowerCase();
  if (address === '' || address === '*') return 'wildcard';
  if (address === 'localhost') return 'loopback';
  const family = isIP(address);
  if (family === 0) return 'name';
  if (family === 4) {
    if (address === '0.0.0.0') return 'wildcard';
    if (inIpv4(address, '127.0.0.0', 8)) return 'loopback';
    return PRIVATE_V4.some(([network, prefix]) => inIpv4(address, network, prefix)) ? 'private' : 'public';
  }
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) return addressKind(mapped[1] ?? '');
  if (/^(0*:)*:?0*$/.test(address)) return 'wildcard';
  if (/^(0*:)*:?0*1$/.test(address)) return 'loopback';
  // fc00::/7 (unique local), fe80::/10 (link-local).
  if (/^f[cd][0-9a-f]{0,2}:/.test(address) || /^fe[89ab][0-9a-f]?:/.test(address)) return 'private';
  return 'public';
}

export interface AclRule {
  sense: 'permit' | 'deny';
  /** As written, for messages. */
  text: string;
  address: string;
  family: 4 | 6 | 0;
  /** Network prefix length: 32/128 for one address, 0 for every address. */
  prefix: number;
  negated: boolean;
  at: string;
}

function maskPrefix(mask: string | undefined, family: 4 | 6 | 0): number {
  const full = family === 6 ? 128 : 32;
  if (mask === undefined || mask === '') return full;
  if (/^\d+$/.test(mask)) return Math.min(Number(mask), full);
  // A dotted IPv4 mask: its one bits.
  return mask.split('.').reduce((n, part) => n + (Number(part) >>> 0).toString(2).replace(/0/g, '').length, 0);
}

/** The `permit`/`deny` rules of a user, in order; a line may list several, comma-separated. */
export function aclRules(entries: ConfEntry[]): AclRule[] {
  return entries
    .filter((e) => /^(permit|deny)$/i.test(e.key))
    .flatMap((e) =>
      e.value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
        .map((item): AclRule => {
          const negated = item.startsWith('!');
          const [rawAddress = '', mask] = item.replace(/^!/, '').split('/');
          const address = rawAddress.replace(/^\[|\]$/g, '').trim();
          const ip = isIP(address);
          const family = ip === 4 ? 4 : ip === 6 ? 6 : 0;
          return { sense: e.key.toLowerCase() === 'deny' ? 'deny' : 'permit', text: item, address, family, prefix: maskPrefix(mask?.trim(), family), negated, at: e.at };
        }),
    );
}

export interface AclSummary {
  /** The last rule denying every address of that family (IPv4 or IPv6), if any. */
  denyAll: { 4: number; 6: number };
  /** Permits after the last deny-all rule of their family: the addresses let in while the rest is kept out. */
  effectivePermits: AclRule[];
}

export function summarizeAcl(rules: AclRule[]): AclSummary {
  const lastDenyAll = (family: 4 | 6) => rules.findLastIndex((r) => r.sense === 'deny' && !r.negated && r.family === family && r.prefix === 0);
  const denyAll = { 4: lastDenyAll(4), 6: lastDenyAll(6) };
  const effectivePermits = rules.filter((r, i) => r.sense === 'permit' && r.family !== 0 && denyAll[r.family] >= 0 && i > denyAll[r.family]);
  return { denyAll, effectivePermits };
}

/** A rule that lets in one address and nothing else. */
export const isSingleHost = (rule: AclRule): boolean => !rule.negated && rule.family !== 0 && rule.prefix === (rule.family === 6 ? 128 : 32);
