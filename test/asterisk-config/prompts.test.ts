/**
 * npm run prompts: every listed prompt comes out as a WAV Asterisk plays (8000 Hz, mono, 16-bit PCM,
 * not empty), and the shipped configuration then passes the config check with them. Needs Debian's
 * espeak-ng and sox: skipped on a workstation without them, failed in CI (CI=true), where .ci/run
 * installs them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROMPT_TEXTS } from '../../ivr/prompts.js';
import { generatePrompts, missingTools } from '../../asterisk-config/scripts/generate-prompts.js';
import { promptSet, speakable } from '../../asterisk-config/scripts/prompt-set.js';
import { runCheck } from '../../asterisk-config/scripts/run-check.js';
import { ZH_SAY_FILES } from '../../asterisk-config/scripts/say-files.js';
import { readServerFacts } from '../../asterisk-config/scripts/server-facts.js';
import { readWavInfo } from '../../asterisk-config/scripts/wav.js';
import { SHIPPED, SHIPPED_ENV, tempDir } from './support.js';

const missing = await missingTools();
const inCi = /^(true|1)$/i.test(process.env.CI ?? '');

describe('the prompt set', () => {
  it('holds every prompt of ivr/prompts.ts and the zh digits, each with Mandarin text', () => {
    const ids = promptSet().map((p) => p.id);
    expect(ids).toEqual(expect.arrayContaining([...Object.keys(PROMPT_TEXTS), ...Object.keys(ZH_SAY_FILES)]));
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of promptSet()) expect(p.text).toMatch(/\p{Script=Han}/u);
  });

  it('reads hotline numbers digit by digit', () => {
    expect(speakable('欢迎致电12345政务服务便民热线')).toBe('欢迎致电一二三四五政务服务便民热线');
    expect(speakable('人工服务请按0，原12333热线')).toBe('人工服务请按0，原一二三三三热线');
  });
});

describe.skipIf(missing.length > 0 && !inCi)('generating the prompts with espeak-ng and sox', () => {
  it('writes every listed prompt as 8000 Hz mono 16-bit PCM WAV, and the shipped configuration passes with them', async () => {
    expect(missing, 'espeak-ng and sox must be installed (apt-get install espeak-ng sox)').toEqual([]);
    const out = tempDir('prompts');
    const files = await generatePrompts({ out });
    expect(files).toHaveLength(promptSet().length);
    for (const { id } of promptSet()) {
      const info = readWavInfo(readFileSync(join(out, `${id}.wav`)));
      expect(info, id).toMatchObject({ format: 1, channels: 1, sampleRate: 8000, bitsPerSample: 16 });
      expect(typeof info === 'string' ? 0 : info.dataBytes, id).toBeGreaterThan(8000);
    }
    const findings = runCheck(SHIPPED, out, await readServerFacts(SHIPPED_ENV, { demo: true }));
    expect(findings.filter((f) => f.level === 'error')).toEqual([]);
  }, 120_000);
});
