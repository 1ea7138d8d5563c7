/**
 * npm run prompts -- [--out <dir>] [--list]
 *
 * Generates the Mandarin prompt set (prompt-set.ts) and the prompts an admin added to the catalogue
 * (read from the server's database, CTI_DB: admin-prompts.ts) with espeak-ng (voice cmn) and sox as
 * 8000 Hz mono 16-bit WAV files in Asterisk's layout: <out>/greeting-12345.wav, <out>/digits/5.wav, …
 * (out defaults to asterisk-config/sounds/zh; copy it to /var/lib/asterisk/sounds/zh). These are
 * synthetic day-one prompts: replace any file with a recording of the same name and format later.
 * --list prints id and text of every prompt instead (a script for the recording studio).
 * Without a database at CTI_DB it makes the built-in set and says so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingSpeechTools, speakPrompt } from '../../cti/media/prompt-speech.js';
import { readAdminPrompts } from './admin-prompts.js';
import { isMain, parseArgs } from './cli-args.js';
import { promptSet, type PromptToSpeak } from './prompt-set.js';

export const DEFAULT_OUT = join('asterisk-config', 'sounds', 'zh');

export interface GenerateOptions {
  out: string;
  /** espeak-ng voice; `cmn` is Mandarin. */
  voice?: string;
  /** Only these prompt ids (default: all). */
  only?: string[];
  /** More prompts to speak after the built-in set (those an admin added); an id of the set is not spoken twice. */
  added?: PromptToSpeak[];
}

/** The built-in set and `added` (minus ids the set has already). */
export function allPrompts(added: PromptToSpeak[] = []): PromptToSpeak[] {
  const builtIn = promptSet();
  const ids = new Set(builtIn.map((p) => p.id));
  return [...builtIn, ...added.filter((p) => !ids.has(p.id))];
}

export const missingTools = missingSpeechTools;

/** Writes every prompt; returns the files written. */
export async function generatePrompts(options: GenerateOptions): Promise<string[]> {
  const missing = await missingTools();
  if (missing.length > 0) throw new Error(`${missing.join(' and ')} not found: install them (Debian: apt-get install espeak-ng sox)`);
  const prompts = allPrompts(options.added).filter((p) => !options.only || options.only.includes(p.id));
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

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const options = parseArgs(argv, ['out', 'voice'], ['list']);
  const admin = await readAdminPrompts(env);
  for (const note of admin.notes) console.error(`prompts: ${note}`);
  if (options.has('list')) {
    // One line each: an admin's text may run over several.
    for (const p of allPrompts(admin.prompts)) console.log(`${p.id}\t${p.text.replace(/\s*\n\s*/g, ' ')}`);
    return 0;
  }
  const out = options.get('out') ?? DEFAULT_OUT;
  const voice = options.get('voice');
  const files = await generatePrompts({ out, added: admin.prompts, ...(voice ? { voice } : {}) });
  const added = admin.database ? `, ${allPrompts(admin.prompts).length - promptSet().length} of them added by an admin (${admin.database})` : '';
  console.log(`prompts: ${files.length} files in ${out}${added} (8000 Hz mono 16-bit WAV). Copy them to /var/lib/asterisk/sounds/zh/.`);
  return 0;
}

if (isMain(import.meta.url)) {
  main(process.argv.slice(2), process.env).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      console.error(`prompts: ${(e as Error).message}`);
      process.exitCode = 1;
    },
  );
}
