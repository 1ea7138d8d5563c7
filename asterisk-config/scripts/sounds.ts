/** Finding a prompt in a sounds directory the way Asterisk does: `<dir>/<id>.<format extension>`. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** File extensions of the audio formats Asterisk's format modules play. */
const EXTENSIONS = ['wav', 'WAV', 'wav16', 'gsm', 'alaw', 'al', 'ulaw', 'ul', 'mu', 'pcm', 'g722', 'g729', 'sln', 'raw', 'sln16', 'ogg', 'opus', 'siren7', 'siren14', 'ilbc', 'g726', 'vox'];

/** The files Asterisk could play for `sound:<id>` from this directory. */
export function soundFiles(dir: string, id: string): string[] {
  return EXTENSIONS.map((ext) => join(dir, `${id}.${ext}`)).filter((path) => existsSync(path));
}
