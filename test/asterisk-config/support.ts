/** Helpers for the asterisk-config tests: a writable copy of the shipped files, stub prompts, edits. */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { promptSet } from '../../asterisk-config/scripts/prompt-set.js';

export const SHIPPED = join(process.cwd(), 'asterisk-config');

/** The server's settings with the shipped credentials (what the simulator and the tests use). */
export const SHIPPED_ENV: NodeJS.ProcessEnv = { CTI_AMI_SECRET: 'cti-secret', CTI_ARI_PASSWORD: 'cti-secret' };

const created: string[] = [];
// Every test file that uses these helpers leaves no temporary directories behind.
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `cti-${prefix}-`));
  created.push(dir);
  return dir;
}

/** A copy of the shipped *.conf files that a test may break. */
export function copyOfShipped(): string {
  const dir = tempDir('asterisk-config');
  for (const name of readdirSync(SHIPPED).filter((f) => f.endsWith('.conf'))) cpSync(join(SHIPPED, name), join(dir, name));
  return dir;
}

/** Replace `from` (which must be there) by `to` in one of the files. */
export function edit(dir: string, file: string, from: string | RegExp, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  expect(text).toMatch(from);
  writeFileSync(path, text.replace(from, to));
}

/** A WAV file: 16-bit PCM unless told otherwise, with `samples` samples of silence. */
export function wavBytes(options: { rate?: number; channels?: number; bits?: number; format?: number; samples?: number } = {}): Buffer {
  const { rate = 8000, channels = 1, bits = 16, format = 1, samples = 800 } = options;
  const data = samples * channels * (bits / 8);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(format, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * channels * (bits / 8), 28);
  header.writeUInt16LE(channels * (bits / 8), 32);
  header.writeUInt16LE(bits, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data, 40);
  return Buffer.concat([header, Buffer.alloc(data)]);
}

export function writeSound(dir: string, id: string, bytes: Buffer = wavBytes()): void {
  const path = join(dir, `${id}.wav`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

/** A sounds directory with a valid (silent) file for every prompt the generator makes. */
export function stubSounds(): string {
  const dir = tempDir('sounds');
  for (const { id } of promptSet()) writeSound(dir, id);
  return dir;
}
