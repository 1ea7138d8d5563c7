/**
 * The Mandarin day-one prompt set: every prompt of ivr/prompts.ts (the one list of what the server
 * plays) and the zh digit files behind `number:`/`digits:`, each with the text to speak.
 */
import { PROMPT_TEXTS } from '../../ivr/prompts.js';
import { ZH_SAY_FILES } from './say-files.js';

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

export function promptSet(): PromptToSpeak[] {
  return [...Object.entries(PROMPT_TEXTS), ...Object.entries(ZH_SAY_FILES)].map(([id, text]) => ({ id, text }));
}
