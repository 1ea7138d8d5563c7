/**
 * Least privilege towards Asterisk: the AMI user holds exactly the classes the server needs and
 * admits the CTI server's address only; ARI listens on an internal address and admits no browser
 * origin. The shipped files pass; each way of granting more (or too little) is refused by name.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  READ_NEEDED,
  SERVER_ACTIONS,
  SERVER_EVENTS,
  WRITE_NEEDED,
  classNames,
  grantedMask,
  maskOf,
  type AmiClass,
} from '../../asterisk-config/scripts/ami-privileges.js';
import { main } from '../../asterisk-config/scripts/check-config.js';
import { objects, lastValue, readConf } from '../../asterisk-config/scripts/conf-file.js';
import type { Finding } from '../../asterisk-config/scripts/findings.js';
import { addressKind, hostOf } from '../../asterisk-config/scripts/network-access.js';
import { runCheck } from '../../asterisk-config/scripts/run-check.js';
import { readServerFacts } from '../../asterisk-config/scripts/server-facts.js';
import { SHIPPED, SHIPPED_ENV, copyOfShipped, edit, stubSounds } from './support.js';

const sounds = stubSounds();
const ACCESS_CODES = /^(ami-|ari-|http-)/;

async function check(dir: string, env: NodeJS.ProcessEnv = {}): Promise<Finding[]> {
  return runCheck(dir, sounds, await readServerFacts({ ...SHIPPED_ENV, ...env }, { demo: true }));
}

const errors = (findings: Finding[]) => findings.filter((f) => f.level === 'error');
const lines = (findings: Finding[]) => findings.map((f) => `${f.level} ${f.code}: ${f.message}`);

/** Exactly one error, reading `error code: message` like the pattern. */
function expectOnlyError(findings: Finding[], pattern: RegExp): void {
  const found = lines(errors(findings));
  expect(found).toHaveLength(1);
  expect(found[0]).toMatch(pattern);
}

/** A copy of the shipped files with `from` replaced by `to` in `file`. */
function broken(file: string, from: string | RegExp, to: string): string {
  const dir = copyOfShipped();
  edit(dir, file, from, to);
  return dir;
}

describe('the shipped configuration', () => {
  it('grants the AMI user exactly the classes the server needs, and nothing about access is reported', async () => {
    const manager = readConf(SHIPPED, 'manager.conf');
    const cti = manager && objects(manager).find((o) => o.section.name === 'cti');
    expect(classNames(grantedMask(lastValue(cti?.entries ?? [], 'read')))).toEqual(['system', 'call']);
    expect(classNames(grantedMask(lastValue(cti?.entries ?? [], 'write')))).toEqual(['call', 'reporting']);
    expect((await check(SHIPPED)).filter((f) => ACCESS_CODES.test(f.code))).toEqual([]);
  });

  it('exits 0 from the command line; a copy with read = all exits 1 naming the class', async () => {
    const out: string[] = [];
    const print = (line: string) => out.push(line);
    expect(await main(['--asterisk-config', SHIPPED, '--sounds', sounds, '--demo'], SHIPPED_ENV, print)).toBe(0);
    const dir = broken('manager.conf', 'read = system,call', 'read = all');
    expect(await main(['--asterisk-config', dir, '--sounds', sounds, '--demo'], SHIPPED_ENV, print)).toBe(1);
    expect(out).toContain(`ERROR   ami-privilege: AMI user cti 的 read 超出所需：多了 all（read = all）；服务器只处理 ContactStatus、DeviceStateChange、Hangup 事件，应为 read = system,call [${atOf(dir, 'read')}]`);
    expect(out.at(-1)).toBe('1 error(s), 3 warning(s)');
  });
});

describe('AMI events: only the ones the server acts on', () => {
  const filterFindings = async (dir: string) => lines((await check(dir)).filter((f) => f.code === 'ami-eventfilter'));

  it('no eventfilter: a warning that every call event is sent', async () => {
    const dir = broken('manager.conf', /^eventfilter = .*\n/gm, '');
    expect(await filterFindings(dir)).toEqual([expect.stringMatching(/^warning ami-eventfilter: AMI user cti 没有 eventfilter：每通电话还会发来十几个服务器用不到的事件/)]);
  });

  it('a filter that keeps out an event the server needs is an error naming it', async () => {
    const dir = broken('manager.conf', 'eventfilter = Event: DeviceStateChange\n', '');
    expect(await filterFindings(dir)).toEqual([expect.stringMatching(/^error ami-eventfilter: AMI user cti 的 eventfilter 挡住了服务器要用的 DeviceStateChange 事件/)]);
  });

  it('without the black filter HangupRequest gets through: a warning naming it', async () => {
    const dir = broken('manager.conf', 'eventfilter = !Event: Hangup[A-Z]\n', '');
    expect(await filterFindings(dir)).toEqual(['warning ami-eventfilter: AMI user cti 的 eventfilter 仍放行服务器用不到的 HangupRequest 事件']);
  });

  it('an expression that does not compile is an error', async () => {
    const dir = broken('manager.conf', 'eventfilter = Event: ContactStatus', 'eventfilter = Event: (ContactStatus');
    expect(await filterFindings(dir)).toContainEqual(expect.stringMatching(/^error ami-eventfilter: AMI user cti 的 eventfilter = Event: \(ContactStatus 不是有效的正则表达式/));
  });
});

/** Where `key = …` of [cti] is in a copy's manager.conf, e.g. `manager.conf:53`. */
function atOf(dir: string, key: string): string {
  const text = readFileSync(join(dir, 'manager.conf'), 'utf8').split('\n');
  return `manager.conf:${text.findIndex((l) => l.startsWith(`${key} =`)) + 1}`;
}

describe('AMI classes', () => {
  it('read = all', async () => {
    const dir = broken('manager.conf', 'read = system,call', 'read = all');
    expectOnlyError(await check(dir), /^error ami-privilege: AMI user cti 的 read 超出所需：多了 all（read = all）.*应为 read = system,call$/);
  });

  it('write = all, with what that would allow', async () => {
    const dir = broken('manager.conf', 'write = call,reporting', 'write = all');
    expectOnlyError(await check(dir), /^error ami-privilege: AMI user cti 的 write 超出所需：多了 all（write = all）（全部权限（all），含 command、system、originate、config）.*应为 write = call,reporting$/);
  });

  it('a class too many: dialplan events, originate, system or command', async () => {
    expectOnlyError(await check(broken('manager.conf', 'read = system,call', 'read = system,call,dialplan')), /^error ami-privilege: .*read 超出所需：多了 dialplan（read = system,call,dialplan）/);
    expectOnlyError(await check(broken('manager.conf', 'write = call,reporting', 'write = call,originate,reporting')), /^error ami-privilege: .*多了 originate.*服务器经 ARI 外呼，不用 AMI/);
    // system also lets DBGet through, so nothing is missing: only the excess is reported.
    expectOnlyError(await check(broken('manager.conf', 'write = call,reporting', 'write = call,system')), /^error ami-privilege: .*多了 system（write = call,system）（system 可执行 Restart、Shutdown/);
    expectOnlyError(await check(broken('manager.conf', 'write = call,reporting', 'write = call,reporting,command')), /^error ami-privilege: .*多了 command.*任意 CLI 命令/);
  });

  it('a needed class missing: the events not received, the actions refused', async () => {
    expectOnlyError(await check(broken('manager.conf', 'read = system,call', 'read = system')), /^error ami-permission: AMI user cti 的 read 缺少 call（read = system）：收不到 DeviceStateChange、Hangup 事件；应为 read = system,call$/);
    expectOnlyError(await check(broken('manager.conf', 'write = call,reporting', 'write = reporting')), /^error ami-permission: AMI user cti 的 write 不允许 Setvar（需 call）（write = reporting）；应为 write = call,reporting$/);
    expectOnlyError(await check(broken('manager.conf', /write = call,reporting\n/, '')), /^error ami-permission: .*write 不允许 Getvar（需 call 或 reporting）、DBGet（需 system 或 reporting）、Setvar（需 call）（未设置 write）/);
  });

  it('reads read/write the way Asterisk does: a space after a comma drops the class, a short word is a prefix', async () => {
    const spaced = await check(broken('manager.conf', 'read = system,call', 'read = system, call'));
    expectOnlyError(spaced, /^error ami-permission: .*read 缺少 call（read = system, call）/);
    expect(lines(spaced.filter((f) => f.code === 'ami-class-unknown'))).toEqual([
      expect.stringMatching(/^warning ami-class-unknown: AMI user cti 的 read = system, call 中 " call" 不是类别名.*实际授予 system$/),
    ]);
    // "a" before a comma matches agent, agi, aoc and all.
    expect(lines(errors(await check(broken('manager.conf', 'read = system,call', 'read = a,system,call'))))).toEqual([
      expect.stringMatching(/^error ami-privilege: .*read 超出所需：多了 all（read = a,system,call）/),
    ]);
  });

  it('grantedMask follows manager.c get_perm/ast_instring', () => {
    const names = (value: string | undefined) => classNames(grantedMask(value));
    expect(names('system,call')).toEqual(['system', 'call']);
    expect(names('system, call')).toEqual(['system']);
    expect(names('System,Call')).toEqual([]);
    expect(names('call,')).toEqual(['call']);
    expect(names(',call')).toEqual(['all']);
    expect(names('sys,call')).toEqual(['system', 'call']);
    expect(names('call,sys')).toEqual(['call']);
    expect(names('none')).toEqual([]);
    expect(names('')).toEqual([]);
    expect(names(undefined)).toEqual([]);
    expect(names('all')).toEqual(['all']);
  });

  it('write = call,reporting is the least grant: it allows every action the server sends, and no smaller set does', () => {
    const allows = (classes: readonly AmiClass[]) => SERVER_ACTIONS.every((a) => a.accepts.length === 0 || (maskOf(classes) & maskOf(a.accepts)) !== 0);
    expect(allows(WRITE_NEEDED)).toBe(true);
    for (const dropped of WRITE_NEEDED) expect(allows(WRITE_NEEDED.filter((c) => c !== dropped))).toBe(false);
    expect(READ_NEEDED).toEqual(['system', 'call']);
  });
});

describe('the tables match what the server does over AMI', () => {
  const sources = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return sources(path);
      return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
    });
  const code = sources(join(process.cwd(), 'cti'))
    .map((path) => readFileSync(path, 'utf8'))
    .join('\n');

  it('every action the server sends is in SERVER_ACTIONS', () => {
    const sent = new Set([...code.matchAll(/(?:ami|this)\.(?:action|list)\('(\w+)'/g)].map((m) => m[1]));
    expect(sent.size).toBeGreaterThan(0);
    expect([...sent].sort()).toEqual(SERVER_ACTIONS.map((a) => a.action).filter((a) => a !== 'Login').sort());
  });

  it('every AMI event the server acts on is in SERVER_EVENTS, and it subscribes to exactly READ_NEEDED', () => {
    const heard = new Set([...code.matchAll(/event\.name === '(\w+)'/g)].map((m) => m[1]));
    expect([...heard].sort()).toEqual(SERVER_EVENTS.map((e) => e.event).sort());
    expect(code).toContain(`eventMask ?? '${READ_NEEDED.join(',')}'`);
  });
});

describe('who may log in as the AMI user', () => {
  it('no deny: any address may log in', async () => {
    expectOnlyError(await check(broken('manager.conf', /deny = 0\.0\.0\.0\/0\.0\.0\.0\n/, '')), /^error ami-acl: AMI user cti 没有 deny = 0\.0\.0\.0\/0\.0\.0\.0：任何连得上 AMI 端口的地址都能以此用户登录/);
    expectOnlyError(await check(broken('manager.conf', /deny = 0\.0\.0\.0\/0\.0\.0\.0\npermit = 127\.0\.0\.1\/255\.255\.255\.255\n/, '')), /^error ami-acl: .*没有 deny = 0\.0\.0\.0\/0\.0\.0\.0/);
  });

  it('the permit before the deny: the deny wins, nobody can log in', async () => {
    const dir = broken('manager.conf', 'deny = 0.0.0.0/0.0.0.0\npermit = 127.0.0.1/255.255.255.255', 'permit = 127.0.0.1/255.255.255.255\ndeny = 0.0.0.0/0');
    expectOnlyError(await check(dir), /^error ami-acl: AMI user cti 在 deny 全部地址之后没有 permit：谁都不能登录/);
  });

  it('a subnet permitted, or only another machine while the server connects locally', async () => {
    expectOnlyError(await check(broken('manager.conf', 'permit = 127.0.0.1/255.255.255.255', 'permit = 127.0.0.1/255.255.255.255\npermit = 10.0.0.0/255.255.255.0')), /^error ami-acl: AMI user cti 的 permit = 10\.0\.0\.0\/255\.255\.255\.0 放行了一个网段/);
    expectOnlyError(await check(broken('manager.conf', 'permit = 127.0.0.1/255.255.255.255', 'permit = 10.0.0.6/32')), /^error ami-acl: CTI_AMI_HOST 是本机（127\.0\.0\.1），但 AMI user cti 没有 permit = 127\.0\.0\.1\/255\.255\.255\.255/);
  });

  it('the CTI server on another machine: its one address permitted passes; only loopback permitted is a warning', async () => {
    const dir = broken('manager.conf', 'bindaddr = 127.0.0.1', 'bindaddr = 10.0.0.5');
    edit(dir, 'manager.conf', 'permit = 127.0.0.1/255.255.255.255', 'permit = 10.0.0.6/255.255.255.255');
    expect((await check(dir, { CTI_AMI_HOST: '10.0.0.5' })).filter((f) => f.code.startsWith('ami-'))).toEqual([]);
    const local = broken('manager.conf', 'bindaddr = 127.0.0.1', 'bindaddr = 10.0.0.5');
    expect(lines((await check(local, { CTI_AMI_HOST: '10.0.0.5' })).filter((f) => f.code.startsWith('ami-')))).toEqual([
      expect.stringMatching(/^warning ami-acl: AMI user cti 只允许本机登录，但 CTI_AMI_HOST 是 10\.0\.0\.5/),
    ]);
  });

  it('AMI on a public address', async () => {
    const dir = broken('manager.conf', 'bindaddr = 127.0.0.1', 'bindaddr = 203.0.113.7');
    expectOnlyError(await check(dir, { CTI_AMI_HOST: '203.0.113.7' }), /^error ami-bind: AMI 绑定在公网地址 203\.0\.113\.7/);
  });
});

describe('who can reach ARI', () => {
  it('bindaddr = 0.0.0.0 or ::', async () => {
    expectOnlyError(await check(broken('http.conf', 'bindaddr = 127.0.0.1', 'bindaddr = 0.0.0.0')), /^error http-bind: ARI 监听本机所有地址（bindaddr = 0\.0\.0\.0）：应绑定到 CTI 服务器连接的内网地址（CTI_ARI_URL = 127\.0\.0\.1），只让 CTI 服务器访问$/);
    expectOnlyError(await check(broken('http.conf', 'bindaddr = 127.0.0.1', 'bindaddr = ::')), /^error http-bind: ARI 监听本机所有地址（bindaddr = ::）/);
  });

  it('a public address, even when the server connects to it; an internal one passes', async () => {
    const dir = broken('http.conf', 'bindaddr = 127.0.0.1', 'bindaddr = 203.0.113.7');
    expectOnlyError(await check(dir, { CTI_ARI_URL: 'http://203.0.113.7:8088' }), /^error http-bind: ARI 绑定在公网地址 203\.0\.113\.7：/);
    const internal = broken('http.conf', 'bindaddr = 127.0.0.1', 'bindaddr = 10.0.0.5');
    expect((await check(internal, { CTI_ARI_URL: 'http://10.0.0.5:8088' })).filter((f) => f.code.startsWith('http-'))).toEqual([]);
  });

  it('allowed_origins in ari.conf', async () => {
    const dir = broken('ari.conf', 'pretty = no', 'pretty = no\nallowed_origins = *');
    expectOnlyError(await check(dir), /^error ari-origins: ari\.conf 设置了 allowed_origins = \*：这些来源的浏览器页面可以跨域调用 ARI/);
    expectOnlyError(await check(broken('ari.conf', 'pretty = no', 'pretty = no\nallowed_origins = https://agent.example.cn')), /^error ari-origins: .*allowed_origins = https:\/\/agent\.example\.cn/);
  });

  it('the TLS listener serves ARI too: every address is an error, the agent network a warning', async () => {
    const tls = (bind: string) => broken('http.conf', ';tlsenable = yes\n;tlsbindaddr = 10.0.1.5:8089', `tlsenable = yes\ntlsbindaddr = ${bind}`);
    expectOnlyError(await check(tls('0.0.0.0:8089')), /^error http-bind: http\.conf 的 TLS 监听（tlsenable）在本机所有地址（tlsbindaddr = 0\.0\.0\.0:8089）：它同样提供 ARI/);
    const agents = await check(tls('10.0.1.5:8089'));
    expect(errors(agents)).toEqual([]);
    expect(lines(agents.filter((f) => f.code === 'http-tls-ari'))).toEqual([expect.stringMatching(/^warning http-tls-ari: http\.conf 的 TLS 监听（tlsbindaddr = 10\.0\.1\.5:8089）也提供 ARI/)]);
  });

  it('classifies listen addresses', () => {
    const kind = (bind: string) => addressKind(hostOf(bind));
    expect(['0.0.0.0', '::', '[::]:8089', '', '0.0.0.0:8089'].map(kind)).toEqual(['wildcard', 'wildcard', 'wildcard', 'wildcard', 'wildcard']);
    expect(['127.0.0.1', '::1', '[::1]:8089', 'localhost'].map(kind)).toEqual(['loopback', 'loopback', 'loopback', 'loopback']);
    expect(['10.0.0.5', '172.16.3.4:8089', '192.168.1.2', 'fd00::5', '[fe80::1]:8088'].map(kind)).toEqual(['private', 'private', 'private', 'private', 'private']);
    expect(['203.0.113.7', '172.32.0.1', '8.8.8.8:8088', '2001:db8::1'].map(kind)).toEqual(['public', 'public', 'public', 'public']);
    expect(kind('asterisk.internal')).toBe('name');
  });
});
