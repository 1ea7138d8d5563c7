/**
 * Prompts: every prompt the server plays (ivr/prompts.ts), every prompt a route or a menu names, and
 * the zh digit files behind `number:`/`digits:` must be on disk in a form Asterisk plays.
 */
import { existsSync, readFileSync } from 'node:fs';
import { PROMPTS, PROMPT_TEXTS, ticketStatusPrompt } from '../../ivr/prompts.js';
import { TICKET_STATUSES } from '../../store/index.js';
import { error, warning, type Finding, type Level } from './findings.js';
import { menuRefs } from './menu-refs.js';
import { ZH_SAY_FILES } from './say-files.js';
import type { ServerFacts } from './server-facts.js';
import { soundFiles } from './sounds.js';
import { asteriskWavProblem, readWavInfo } from './wav.js';

export interface PromptUse {
  id: string;
  usedBy: string;
  /** error: callers would hear nothing where a prompt belongs; warning: less serious. */
  level: Level;
}

/** A route's prompt field may carry a media URI; only `sound:` ones (or bare ids) are files. */
function soundId(prompt: string): string | undefined {
  if (prompt.startsWith('sound:')) return prompt.slice('sound:'.length);
  return prompt.includes(':') ? undefined : prompt;
}

export function promptUses(facts: ServerFacts, findings: Finding[]): PromptUse[] {
  const server = [...Object.values(PROMPTS), ...TICKET_STATUSES.map(ticketStatusPrompt)];
  const uses: PromptUse[] = server.map((id) => ({ id, usedBy: 'the CTI server (ivr/prompts.ts)', level: 'error' }));
  for (const route of facts.routes) {
    const id = route.prompt ? soundId(route.prompt) : undefined;
    if (id) uses.push({ id, usedBy: `route ${route.number}${route.enabled ? '' : ' (disabled)'}`, level: route.enabled ? 'error' : 'warning' });
  }
  for (const menu of facts.menus) {
    const refs = menuRefs(menu.definition);
    if (!refs.readable) findings.push(error('menu-unreadable', `menu ${menu.code}: the stored definition has no prompts list`));
    for (const id of refs.prompts) uses.push({ id, usedBy: `menu ${menu.code}`, level: 'error' });
  }
  for (const id of Object.keys(ZH_SAY_FILES)) uses.push({ id, usedBy: 'number:/digits: in Mandarin', level: 'warning' });
  return uses;
}

export function checkPrompts(facts: ServerFacts, soundsDir: string): Finding[] {
  const findings: Finding[] = [];
  const uses = promptUses(facts, findings);
  if (!existsSync(soundsDir)) {
    return [...findings, error('sounds-missing', `no sounds directory ${soundsDir}: generate the prompts (npm run prompts) or give --sounds <dir>`)];
  }
  const byId = new Map<string, PromptUse[]>();
  for (const use of uses) byId.set(use.id, [...(byId.get(use.id) ?? []), use]);
  for (const [id, all] of byId) {
    const level: Level = all.some((u) => u.level === 'error') ? 'error' : 'warning';
    const users = [...new Set(all.map((u) => u.usedBy))].join(', ');
    const files = soundFiles(soundsDir, id);
    if (files.length === 0) {
      const hint =
        id in PROMPT_TEXTS || id in ZH_SAY_FILES
          ? 'npm run prompts generates it'
          : facts.customPrompts.includes(id)
            ? 'an admin added it to the catalogue: npm run prompts with the server\'s CTI_DB generates it, or record it'
            : 'record it, or add its text to ivr/prompts.ts so npm run prompts generates it';
      findings.push((level === 'error' ? error : warning)('prompt-missing', `prompt ${id} (used by ${users}) is not in ${soundsDir}: ${hint}`));
      continue;
    }
    for (const file of files.filter((f) => f.endsWith('.wav'))) {
      const info = readWavInfo(readFileSync(file));
      const problem = typeof info === 'string' ? info : asteriskWavProblem(info);
      if (problem) findings.push(error('prompt-format', `${file} cannot be played by Asterisk (${problem}): it needs 8000 Hz mono 16-bit PCM WAV`));
    }
  }
  return findings;
}
