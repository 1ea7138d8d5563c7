/**
 * npm run check-config: the shipped asterisk-config/ is clean against the demo data, and each kind
 * of breakage of a copy is found.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../asterisk-config/scripts/check-config.js';
import type { Finding } from '../../asterisk-config/scripts/findings.js';
import { runCheck } from '../../asterisk-config/scripts/run-check.js';
import { readServerFacts } from '../../asterisk-config/scripts/server-facts.js';
import { createAgent, createRoute, findSkillByCode, listRoutes, openStore, seedDemo, updateRoute, type Db } from '../../store/index.js';
import { SHIPPED, SHIPPED_ENV, copyOfShipped, edit, stubSounds, tempDir, wavBytes, writeSound } from './support.js';

const sounds = stubSounds();

async function check(dir: string, env: NodeJS.ProcessEnv = {}, soundsDir = sounds): Promise<Finding[]> {
  const demo = env.CTI_DB === undefined;
  return runCheck(dir, soundsDir, await readServerFacts({ ...SHIPPED_ENV, ...env }, { demo }));
}

const routeId = async (db: Db, number: string) => (await listRoutes(db)).find((r) => r.number === number)?.id ?? -1;
const errors = (findings: Finding[]) => findings.filter((f) => f.level === 'error');
const codes = (findings: Finding[]) => [...new Set(findings.map((f) => f.code))].sort();

/** Exactly one finding, reading `level code: message` like the pattern. */
function expectOnly(findings: Finding[], pattern: RegExp): void {
  const lines = findings.map((f) => `${f.level} ${f.code}: ${f.message}`);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

/** A database with the demo data, changed by `change`; its path for CTI_DB. */
async function database(change: (db: Db) => unknown): Promise<string> {
  const path = join(tempDir('db'), 'cti.db');
  const store = openStore(path);
  await seedDemo(store.db);
  await change(store.db);
  void store.close();
  return path;
}

describe('the shipped configuration', () => {
  it('passes against the demo data: no errors, only the warnings about its placeholder secrets', async () => {
    const findings = await check(SHIPPED);
    expect(errors(findings)).toEqual([]);
    expect(codes(findings)).toEqual(['default-secret', 'placeholder-password']);
  });

  it('exits 0 from the command line, 1 with errors, 2 when it cannot run', async () => {
    const lines: string[] = [];
    const print = (line: string) => lines.push(line);
    expect(await main(['--asterisk-config', SHIPPED, '--sounds', sounds, '--demo'], SHIPPED_ENV, print)).toBe(0);
    expect(lines.at(-1)).toBe('0 error(s), 3 warning(s)');
    expect(await main(['--asterisk-config', SHIPPED, '--sounds', sounds, '--demo'], { ...SHIPPED_ENV, CTI_AMI_SECRET: 'other' }, print)).toBe(1);
    expect(lines.some((l) => l.startsWith('ERROR   ami-secret'))).toBe(true);
    expect(lines.join('\n')).not.toContain('other');
    expect(await main(['--asterisk-config', SHIPPED, '--sounds', sounds], { ...SHIPPED_ENV, CTI_DB: '/nonexistent/cti.db' }, print)).toBe(2);
    expect(lines.at(-1)).toMatch(/no database at \/nonexistent\/cti.db/);
    expect(await main(['--asterisk-config', SHIPPED, '--demo'], { CTI_ARI_PASSWORD: 'x' }, print)).toBe(2);
    expect(lines.at(-1)).toMatch(/CTI_AMI_SECRET/);
    expect(await main(['--bogus'], SHIPPED_ENV, print)).toBe(2);
  });
});

describe('a broken copy', () => {
  it('a route whose number has no DID', async () => {
    const dir = copyOfShipped();
    edit(dir, 'extensions.conf', /exten => 12333,1,.*\n same => n,GotoIf.*\n same => n,Hangup\(\)\n/, '');
    const found = errors(await check(dir));
    expectOnly(found, /^error route-without-did: route 12333 /);
    expect(found[0]?.message).toContain('exten => 12333,1,Stasis(${HOTLINE_APP},${EXTEN})');
  });

  it('a route added in the admin page but not in the dialplan', async () => {
    const db = await database((d) => createRoute(d, { number: '12319', name: '12319 城建热线', mode: 'whole', prompt: 'greeting-12345' }));
    expect(codes(errors(await check(SHIPPED, { CTI_DB: db })))).toEqual(['route-without-did']);
  });

  it('a DID that enters the application with no route (a warning: served as 12345), or whose route is disabled', async () => {
    const dir = copyOfShipped();
    edit(dir, 'extensions.conf', 'exten => i,1,Hangup(1)', 'exten => 12358,1,Stasis(${HOTLINE_APP},${EXTEN})\n same => n,Hangup()\nexten => i,1,Hangup(1)');
    const found = (await check(dir)).filter((f) => f.code === 'did-without-route');
    expectOnly(found, /^warning did-without-route: DID 12358 enters the application with no route: its callers are served as 12345/);
    const db = await database(async (d) => updateRoute(d, await routeId(d, '12315'), { enabled: false }));
    expectOnly((await check(SHIPPED, { CTI_DB: db })).filter((f) => f.code === 'did-without-route'), /DID 12315 .*\(its route is disabled\)/);
  });

  it('a pattern DID covers the routes it matches', async () => {
    const dir = copyOfShipped();
    edit(
      dir,
      'extensions.conf',
      /exten => 12333,1,.*\n same => n,GotoIf.*\n same => n,Hangup\(\)\n/,
      'exten => _1233X,1,Stasis(${HOTLINE_APP},${EXTEN})\n same => n,GotoIf($["${STASISSTATUS}" = "FAILED"]?hotline-outage,${EXTEN},1)\n same => n,Hangup()\n',
    );
    expect(errors(await check(dir))).toEqual([]);
  });

  it('an application name that differs from CTI_ARI_APP', async () => {
    const viaEnv = errors(await check(SHIPPED, { CTI_ARI_APP: 'hotline' }));
    expect(codes(viaEnv)).toEqual(['did-app']);
    expect(viaEnv).toHaveLength(4);
    const dir = copyOfShipped();
    edit(dir, 'extensions.conf', /exten => 12315,1,Stasis\(\$\{HOTLINE_APP\}/, 'exten => 12315,1,Stasis(hotline-old');
    expectOnly(errors(await check(dir)), /^error did-app: from-pstn,12315 enters Stasis application "hotline-old"/);
  });

  it('a DID that does not pass the dialled number first', async () => {
    const dir = copyOfShipped();
    edit(dir, 'extensions.conf', 'exten => 12315,1,Stasis(${HOTLINE_APP},${EXTEN})', 'exten => 12315,1,Stasis(${HOTLINE_APP},${CALLERID(num)})');
    expect(codes(errors(await check(dir)))).toEqual(['did-argument', 'route-without-did']);
  });

  it('more than the DIDs reachable from the trunk', async () => {
    const dir = copyOfShipped();
    edit(dir, 'extensions.conf', 'exten => i,1,Hangup(1)', 'exten => i,1,Hangup(1)\ninclude => outbound');
    const found = errors(await check(dir));
    expect(codes(found)).toEqual(['trunk-exposes']);
    expect(found[0]?.message).toMatch(/^outbound,_1\[3-9\]XXXXXXXXX runs Dial\(\) for callers from the carrier trunk/);
  });

  it('no trunk: nothing comes in, nothing goes out', async () => {
    const dir = copyOfShipped();
    edit(dir, 'pjsip.conf', /\[trunk\]\(trunk-endpoint\)[\s\S]*match = 192\.0\.2\.10\n/, '');
    expect(codes(errors(await check(dir)))).toEqual(['dial-endpoint-missing', 'no-trunk', 'route-without-did', 'trunk-endpoint-missing']);
  });

  it('AMI: another secret, user, port, or too few classes', async () => {
    expect(codes(errors(await check(SHIPPED, { CTI_AMI_SECRET: 'other' })))).toEqual(['ami-secret']);
    expect(codes(errors(await check(SHIPPED, { CTI_AMI_USER: 'crm' })))).toEqual(['ami-user']);
    expect(codes(errors(await check(SHIPPED, { CTI_AMI_PORT: '5039' })))).toEqual(['ami-port']);
    const dir = copyOfShipped();
    edit(dir, 'manager.conf', 'read = system,call', 'read = call');
    edit(dir, 'manager.conf', 'write = call,reporting', 'write = call');
    edit(dir, 'manager.conf', 'enabled = yes', 'enabled = no');
    const found = errors(await check(dir));
    expect(codes(found)).toEqual(['ami-disabled', 'ami-permission']);
    expect(found.map((f) => f.message).join('\n')).toMatch(/read 缺少 system（read = call）：收不到 ContactStatus 事件[\s\S]*write 不允许 DBGet（需 system 或 reporting）/);
  });

  it('AMI: listening where the server does not connect, or with more rights than needed', async () => {
    const dir = copyOfShipped();
    edit(dir, 'manager.conf', 'bindaddr = 127.0.0.1', 'bindaddr = 10.0.0.5');
    edit(dir, 'manager.conf', 'write = call,reporting', 'write = all');
    const found = errors(await check(dir));
    expect(codes(found)).toEqual(['ami-bind', 'ami-privilege']);
    expect(found.find((f) => f.code === 'ami-bind')?.message).toMatch(/^AMI listens on 10\.0\.0\.5 only, but the server connects to 127\.0\.0\.1/);
    expect(found.find((f) => f.code === 'ami-privilege')?.message).toMatch(/write 超出所需：多了 all/);
  });

  it('ARI: another password or user, or a read-only user', async () => {
    expect(codes(errors(await check(SHIPPED, { CTI_ARI_PASSWORD: 'other' })))).toEqual(['ari-password']);
    expect(codes(errors(await check(SHIPPED, { CTI_ARI_USER: 'crm' })))).toEqual(['ari-user']);
    const dir = copyOfShipped();
    edit(dir, 'ari.conf', 'read_only = no', 'read_only = yes');
    expect(codes(errors(await check(dir)))).toEqual(['ari-read-only']);
  });

  it('HTTP: disabled, another port, or a URL the server does not use', async () => {
    expect(codes(errors(await check(SHIPPED, { CTI_ARI_URL: 'http://127.0.0.1:8090' })))).toEqual(['http-port']);
    expect(codes(errors(await check(SHIPPED, { CTI_ARI_URL: 'http://127.0.0.1:8088/asterisk' })))).toEqual(['http-prefix']);
    const dir = copyOfShipped();
    edit(dir, 'http.conf', 'enabled = yes', 'enabled = no');
    expect(codes(errors(await check(dir)))).toEqual(['http-disabled']);
  });

  it('prompts missing on disk or in a format Asterisk cannot play', async () => {
    const dir = stubSounds();
    rmSync(join(dir, 'greeting-12315.wav'));
    rmSync(join(dir, 'ticket-not-found.wav'));
    writeSound(dir, 'notice-merged-12333', wavBytes({ rate: 22050 }));
    writeSound(dir, 'menu-main', wavBytes({ channels: 2 }));
    const found = errors(await check(SHIPPED, {}, dir));
    const named = (f: Finding) => /prompt ([\w-]+)|([\w-]+)\.wav/.exec(f.message)?.slice(1).find(Boolean);
    expect(found.map((f) => `${f.code} ${named(f)}`).sort()).toEqual([
      'prompt-format menu-main',
      'prompt-format notice-merged-12333',
      'prompt-missing greeting-12315',
      'prompt-missing ticket-not-found',
    ]);
    expect(found.find((f) => f.message.includes('greeting-12315'))?.message).toContain('used by route 12315');
    expect(found.find((f) => f.message.includes('notice-merged-12333'))?.message).toContain('22050 Hz instead of 8000 Hz');
  });

  it('a prompt named by a route that nobody has recorded, and the sounds directory missing', async () => {
    const db = await database(async (d) => updateRoute(d, await routeId(d, '12315'), { prompt: 'greeting-12315-new' }));
    expectOnly(errors(await check(SHIPPED, { CTI_DB: db })), /^error prompt-missing: prompt greeting-12315-new \(used by route 12315\).*record it, or add its text to ivr\/prompts\.ts/);
    expect(codes(errors(await check(SHIPPED, {}, '/nonexistent/sounds')))).toEqual(['sounds-missing']);
  });

  it('an agent whose phone pjsip.conf does not define', async () => {
    const db = await database(async (d) => {
      const general = await findSkillByCode(d, 'general');
      await createAgent(d, { login: '1010', name: '赵磊', endpoint: 'PJSIP/1010', skills: general ? [{ skillId: general.id, level: 5 }] : [] });
    });
    expectOnly(errors(await check(SHIPPED, { CTI_DB: db })), /^error agent-endpoint-missing: agent 1010 \(赵磊\) uses phone PJSIP\/1010/);
  });

  it('a file the server needs is missing', async () => {
    const dir = copyOfShipped();
    rmSync(join(dir, 'ari.conf'));
    expect(codes(errors(await check(dir)))).toEqual(['file-missing']);
  });
});
