/**
 * Seats for the bench's agents, set up before the server starts: the extensions, their phones in
 * pjsip.conf, their accounts in the store (with the skill 12345's callers queue for) and their phones
 * registered in the simulator, answering at once.
 */
import { createAgent, type Db } from '../../store/index.js';
import { simRequest } from '../support/sim-client.js';

/** `count` extensions from `first` on: `['2001', '2002', …]`. */
export const extensions = (first: number, count: number): string[] => Array.from({ length: count }, (_, i) => String(first + i));

/** The phones' sections for pjsip.conf (the shipped agent templates, password "bench"). */
export function pjsipPhones(exts: readonly string[]): string {
  return exts.map((ext) => `\n[${ext}](agent-phone)\nauth = ${ext}\naors = ${ext}\n[${ext}](agent-auth)\nusername = ${ext}\npassword = bench\n[${ext}](agent-aor)\n`).join('');
}

/** One agent account per extension, named `${namePrefix}1`, `${namePrefix}2`, … */
export async function createSeatAgents(db: Db, exts: readonly string[], namePrefix: string, passwordHash: string, skillId: number): Promise<void> {
  for (const [i, ext] of exts.entries()) await createAgent(db, { login: ext, name: `${namePrefix}${i + 1}`, endpoint: `PJSIP/${ext}`, passwordHash, skills: [{ skillId, level: 5 }] });
}

/** Registers the phones in the simulator, answering at once. */
export async function registerSeatPhones(simUrl: string, exts: readonly string[]): Promise<void> {
  for (const ext of exts) {
    const res = await simRequest(simUrl, 'PUT', `/sim/endpoints/PJSIP/${ext}`, { online: true, answer: 'auto', answerDelayMs: 0 });
    if (res.status !== 200) throw new Error(`registering PJSIP/${ext} answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
}
