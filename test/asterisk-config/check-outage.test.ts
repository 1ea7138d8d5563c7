/**
 * npm run check-config and the survival path: every DID falls back on STASISSTATUS to a context that
 * writes the outage record and queues callers to every enabled agent's phone.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../asterisk-config/scripts/findings.js';
import { runCheck } from '../../asterisk-config/scripts/run-check.js';
import { readServerFacts } from '../../asterisk-config/scripts/server-facts.js';
import { createAgent, openStore, seedDemo } from '../../store/index.js';
import { SHIPPED, SHIPPED_ENV, copyOfShipped, edit, stubSounds, tempDir } from './support.js';

const sounds = stubSounds();
const check = async (dir: string, env: NodeJS.ProcessEnv = {}): Promise<Finding[]> =>
  runCheck(dir, sounds, await readServerFacts({ ...SHIPPED_ENV, ...env }, { demo: env.CTI_DB === undefined }));
const errorLines = (findings: Finding[]) => findings.filter((f) => f.level === 'error').map((f) => `${f.code}: ${f.message}`);

describe('the survival path in the shipped configuration', () => {
  it('is in place: no outage finding', async () => {
    expect((await check(SHIPPED)).filter((f) => f.code.startsWith('outage') || f.code === 'trunk-jump')).toEqual([]);
  });
});

describe('check-config finds a broken survival path', () => {
  it('a DID without the fallback on STASISSTATUS', async () => {
    const dir = copyOfShipped();
    edit(dir, 'extensions.conf', /exten => 12315,1,Stasis\(\$\{HOTLINE_APP\},\$\{EXTEN\}\)\n same => n,GotoIf\([^\n]*\n/, 'exten => 12315,1,Stasis(${HOTLINE_APP},${EXTEN})\n');
    const lines = errorLines(await check(dir));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^outage-fallback-missing: from-pstn,12315: nothing follows Stasis\(\)/);
  });

  it('a survival path that writes no outage record, or never completes it', async () => {
    const dir = copyOfShipped();
    edit(dir, 'extensions.conf', / same => n,Set\(DB\(cti-outage\/\$\{UNIQUEID\}\)=v=1[^\n]*\n/, '');
    expect(errorLines(await check(dir)).map((l) => l.split(':')[0])).toEqual(['outage-record-missing']);
    const other = copyOfShipped();
    edit(other, 'extensions.conf', /&end=\$\{EPOCH\}&done=1\)/, '&end=${EPOCH})');
    expect(errorLines(await check(other)).map((l) => l.split(':')[0])).toEqual(['outage-record-incomplete']);
  });

  it('a survival path without Queue(), or with a queue queues.conf lacks', async () => {
    const dir = copyOfShipped();
    edit(dir, 'extensions.conf', / same => n,Queue\(hotline-fallback,,,,300\)\n/, '');
    expect(errorLines(await check(dir)).map((l) => l.split(':')[0])).toEqual(['outage-queue-missing']);
    const other = copyOfShipped();
    edit(other, 'queues.conf', '[hotline-fallback]', '[other-queue]');
    expect(errorLines(await check(other)).map((l) => l.split(':')[0])).toEqual(['outage-queue-undefined']);
  });

  it('an enabled agent whose phone is not in the survival queue', async () => {
    const path = join(tempDir('db'), 'cti.db');
    const store = openStore(path);
    await seedDemo(store.db);
    await createAgent(store.db, { login: '1007', passwordHash: 'x', name: '新坐席', endpoint: 'PJSIP/1006', skills: [] });
    void store.close();
    const dir = copyOfShipped();
    edit(dir, 'queues.conf', 'member => PJSIP/1006,0,1006\n', '');
    const lines = errorLines(await check(dir, { CTI_DB: path }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^outage-queue-member-missing: agent 1007 \(新坐席\) is not in queue hotline-fallback/);
  });
});
