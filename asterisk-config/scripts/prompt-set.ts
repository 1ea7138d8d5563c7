/**
 * The Mandarin day-one prompt set: every prompt of ivr/prompts.ts (the one list of what the server
 * plays) and the zh digit files behind `number:`/`digits:`, each with the text to speak.
 */
import { PROMPT_TEXTS } from '../../ivr/prompts.js';
import type { PromptToSpeak } from '../../cti/media/prompt-speech.js';
import { ZH_SAY_FILES } from './say-files.js';

export { speakable, type PromptToSpeak } from '../../cti/media/prompt-speech.js';

export function promptSet(): PromptToSpeak[] {
  return [...Object.entries(PROMPT_TEXTS), ...Object.entries(ZH_SAY_FILES)].map(([id, text]) => ({ id, text }));
}
