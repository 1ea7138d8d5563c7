/**
 * The post-call satisfaction survey (好差评): when the agent hangs up first, the caller hears the
 * survey prompt and rates the service with one key — 1 satisfied, 2 basically satisfied, 3
 * dissatisfied; silence (or hanging up) is "no answer". The result goes on the ticket. Only keys
 * pressed once the question starts count (a key during the question stops it and is the rating): one
 * pressed earlier in the call — in the queue, while talking — neither skips the question nor rates.
 */
import { CallerHungUp, type MediaPort } from '../../ivr/media-port.js';
import { PROMPTS } from '../../ivr/prompts.js';
import { recordSurvey, type Db } from '../../store/index.js';
import type { Logger } from '../logging.js';
import { writeTicket } from '../tickets/ticket-notes.js';

type SurveyResult = 'satisfied' | 'basically-satisfied' | 'dissatisfied' | 'no-answer';
const SURVEY_KEYS: Record<string, SurveyResult> = { '1': 'satisfied', '2': 'basically-satisfied', '3': 'dissatisfied' };
const SURVEY_TIMEOUT_MS = 8_000;

/**
 * Never throws: the caller's release after the survey must not depend on it. The result goes on the
 * ticket in turn with its history, and is kept until the database takes it (ticket-notes.ts).
 */
export async function runPostCallSurvey(deps: { port: MediaPort; db: Db; log: Logger }, call: { callId: string; ticketId: number }): Promise<void> {
  const { port, db, log } = deps;
  let result: SurveyResult = 'no-answer';
  let asked = false;
  try {
    port.discardKeys();
    await port.play([PROMPTS.survey]);
    const { digits } = await port.collect({ maxDigits: 1, firstDigitTimeoutMs: SURVEY_TIMEOUT_MS, interDigitTimeoutMs: SURVEY_TIMEOUT_MS });
    result = SURVEY_KEYS[digits] ?? 'no-answer';
    asked = true;
  } catch (error) {
    // A caller who hung up (or a prompt that failed) before rating: "no answer" on the ticket.
    if (!(error instanceof CallerHungUp)) log.warn({ callId: call.callId, err: (error as Error).message }, 'survey failed');
  }
  await writeTicket({ db, log }, call.ticketId, 'survey', () => recordSurvey(db, call.ticketId, result));
  if (!asked) return;
  await port.play([PROMPTS.surveyThanks]).catch((error: unknown) => {
    if (!(error instanceof CallerHungUp)) log.warn({ callId: call.callId, err: (error as Error).message }, 'survey thanks not played');
  });
}
