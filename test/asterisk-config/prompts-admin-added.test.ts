/**
 * The README (CTI_PROMPTS_DIR) and the console's 409 answer tell an admin whose server does not set
 * CTI_PROMPTS_DIR that `npm run prompts` on the Asterisk host makes the prompts they add to the
 * catalogue (a newly merged hotline's notice). Run with the server's settings, it must write the
 * sound of a prompt the admin added, or callers of that hotline hear silence where it belongs.
 * Generating needs espeak-ng and sox (skipped on a workstation without them, failed in CI).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { missingTools } from '../../asterisk-config/scripts/generate-prompts.js';
import { readWavInfo } from '../../asterisk-config/scripts/wav.js';
import { addCustomPrompt, openStore, seedDemo } from '../../store/index.js';
import { SHIPPED_ENV, tempDir } from './support.js';

const run = promisify(execFile);
const missing = await missingTools();
const inCi = /^(true|1)$/i.test(process.env.CI ?? '');

const NOTICE = { id: 'notice-merged-12358', text: '原12358价格举报热线已并入12345热线，正在为您转接。' };

/** The server's database with the demo data and the notice an admin added. */
async function serverDatabase(): Promise<string> {
  const dbPath = join(tempDir('prompts-db'), 'cti.db');
  const store = openStore(dbPath);
  await seedDemo(store.db);
  await addCustomPrompt(store.db, { ...NOTICE, createdBy: 'admin' });
  await store.close();
  return dbPath;
}

/** What `npm run prompts -- <args>` runs (without its compile step), on the Asterisk host with the server's settings. */
function prompts(args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', 'asterisk-config/scripts/generate-prompts.ts', ...args], { cwd: process.cwd(), env: { ...process.env, ...env } });
}

describe('npm run prompts with the server settings', () => {
  it('--list names the prompts an admin added, with their text (the studio records them too)', async () => {
    const { stdout } = await prompts(['--list'], { ...SHIPPED_ENV, CTI_DB: await serverDatabase() });
    expect(stdout.split('\n')).toContain(`${NOTICE.id}\t${NOTICE.text}`);
    expect(stdout).toMatch(/^greeting-12345\t/m);
  }, 60_000);

  it('without the server\'s database it lists the built-in set and says the admin\'s are not included', async () => {
    const { stdout, stderr } = await prompts(['--list'], { CTI_DB: join(tempDir('prompts-none'), 'cti.db') });
    expect(stdout).toMatch(/^greeting-12345\t/m);
    expect(stdout).not.toContain(NOTICE.id);
    expect(stderr).toMatch(/no database at .*cti\.db: the prompts an admin added to the catalogue are not included/);
  }, 60_000);

  it.skipIf(missing.length > 0 && !inCi)('also speaks the prompts an admin added to the catalogue', async () => {
    const out = tempDir('prompts-out');
    const { stdout } = await prompts(['--out', out], { ...SHIPPED_ENV, CTI_DB: await serverDatabase() });
    expect(stdout).toMatch(/prompts: \d+ files in .*, 1 of them added by an admin/);
    // The built-in set was written …
    expect(existsSync(join(out, 'greeting-12345.wav'))).toBe(true);
    // … and the admin's notice with it, in the format Asterisk plays.
    expect(readdirSync(out), 'the admin-added prompt notice-merged-12358 among the files written').toContain(`${NOTICE.id}.wav`);
    expect(readWavInfo(readFileSync(join(out, `${NOTICE.id}.wav`)))).toMatchObject({ format: 1, channels: 1, sampleRate: 8000, bitsPerSample: 16 });
  }, 120_000);
});
