/**
 * Day-one Mandarin prompts from text: espeak-ng (voice `cmn`) resampled by sox to the 8000 Hz mono
 * 16-bit WAV that Asterisk's format_wav plays. The prompt generator (`npm run prompts`) and the admin's
 * "generate" of a new prompt both speak through here. A recording of the same name and format can
 * replace any file later.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PromptToSpeak {
  /** Sound name, a path under sounds/zh/ without extension: `greeting-12345`, `digits/5`. */
  id: string;
  text: string;
}

const DIGIT_NAMES = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/**
 * What espeak-ng should read. Hotline numbers are said digit by digit (一二三四五, not
 * 一万二千三百四十五): any run of three or more digits is spelled out.
 */
export function speakable(text: string): string {
  return text.replace(/\d{3,}/g, (run) => [...run].map((d) => DIGIT_NAMES[Number(d)] ?? d).join(''));
}

/** espeak-ng and sox must be installed (Debian: apt-get install espeak-ng sox). */
export async function missingSpeechTools(): Promise<string[]> {
  const missing: string[] = [];
  for (const [tool, arg] of [['espeak-ng', '--version'], ['sox', '--version']] as const) {
    await run(tool, [arg]).catch(() => missing.push(tool));
  }
  return missing;
}

/** Writes `<out>/<id>.wav`; `work` is a scratch folder (default: a temporary one of its own). */
export async function speakPrompt(prompt: PromptToSpeak, out: string, voice = 'cmn', work?: string): Promise<string> {
  const scratch = work ?? mkdtempSync(join(tmpdir(), 'cti-prompt-'));
  try {
    const target = join(out, `${prompt.id}.wav`);
    const raw = join(scratch, `${prompt.id.replace(/\//g, '_')}.wav`);
    mkdirSync(dirname(target), { recursive: true });
    // espeak-ng writes 22050 Hz; sox resamples to what Asterisk's format_wav plays and evens the level.
    await run('espeak-ng', ['-v', voice, '-s', '150', '-w', raw, speakable(prompt.text)]);
    await run('sox', [raw, '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', target, 'norm', '-3']);
    return target;
  } finally {
    if (!work) rmSync(scratch, { recursive: true, force: true });
  }
}
