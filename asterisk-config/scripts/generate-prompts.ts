/**
 * npm run prompts -- [--out <dir>] [--list]
 *
 * Generates the Mandarin prompt set (prompt-set.ts) with espeak-ng (voice cmn) and sox as 8000 Hz
 * mono 16-bit WAV files in Asterisk's layout: <out>/greeting-12345.wav, <out>/digits/5.wav, … (out
 * defaults to asterisk-config/sounds/zh; copy it to /var/lib/asterisk/sounds/zh). These are
 * synthetic day-one prompts: replace any file with a recording of the same name and format later.
 * --list prints id and text of every prompt instead (a script for the recording studio).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingSpeechTools, speakPrompt } from '../../cti/media/prompt-speech.js';
import { isMain, parseArgs } from './cli-args.js';
import { promptSet } from './prompt-set.js';

export const DEFAULT_OUT = join('asterisk-config', 'sounds', 'zh');

export interface GenerateOptions {
  out: string;
  /** espeak-ng voice; `cmn` is Mandarin. */
  voice?: string;
  /** Only these prompt ids (default: all). */
  only?: string[];
}

export const missingTools = missingSpeechTools;

/** Writes every prompt; returns the files written. */
export async function generatePrompts(options: GenerateOptions): Promise<string[]> {
  const missing = await missingTools();
  if (missing.length > 0) throw new Error(`${missing.join(' and ')} not found: install them (Debian: apt-get install espeak-ng sox)`);
  const prompts = promptSet().filter((p) => !options.only || options.only.includes(p.id));
  const work = mkdtempSync(join(tmpdir(), 'cti-prompts-'));
  const written: string[] = [];
  try {
    const queue = [...prompts];
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next; next = queue.shift()) written.push(await speakPrompt(next, options.out, options.voice ?? 'cmn', work));
    };
    await Promise.all(Array.from({ length: Math.min(4, cpus().length) }, worker));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return written.sort();
}

async function main(argv: string[]): Promise<number> {
  const options = parseArgs(argv, ['out', 'voice'], ['list']);
  if (options.has('list')) {
    for (const p of promptSet()) console.log(`${p.id}\t${p.text}`);
    return 0;
  }
  const out = options.get('out') ?? DEFAULT_OUT;
  const voice = options.get('voice');
  const files = await generatePrompts({ out, ...(voice ? { voice } : {}) });
  console.log(`prompts: ${files.length} files in ${out} (8000 Hz mono 16-bit WAV). Copy them to /var/lib/asterisk/sounds/zh/.`);
  return 0;
}

if (isMain(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      console.error(`prompts: ${(e as Error).message}`);
      process.exitCode = 1;
    },
  );
}
