/**
 * The post-call satisfaction survey (好差评): when the agent hangs up first, the caller hears the
 * survey prompt and rates the service with one key — 1 satisfied, 2 basically satisfied, 3
 * dissatisfied; silence (or hanging up) is "no answer". The result goes on the ticket.
 */
import { CallerHungUp, type MediaPort } from '../../ivr/media-port.js';
import { PROMPTS } from '../../ivr/prompts.js';
import { recordSurvey, type Db } from '../../store/index.js';
import type { Logger } from '../logging.js';

type SurveyResult = 'satisfied' | 'basically-satisfied' | 'dissatisfied' | 'no-answer';
const SURVEY_KEYS: Record<string, SurveyResult> = { '1': 'satisfied', '2': 'basically-satisfied', '3': 'dissatisfied' };
const SURVEY_TIMEOUT_MS = 8_000;

/** Never throws: the caller's release after the survey must not depend on it (a failed write is logged). */
export async function runPostCallSurvey(deps: { port: MediaPort; db: Db; log: Logger }, call: { callId: string; ticketId: number }): Promise<void> {
  const { port, db, log } = deps;
  let result: SurveyResult = 'no-answer';
  let recorded = false;
  const record = async () => {
    recorded = true;
    await recordSurvey(db, call.ticketId, result);
  };
  try {
    await port.play([PROMPTS.survey]);
    const { digits } = await port.collect({ maxDigits: 1, firstDigitTimeoutMs: SURVEY_TIMEOUT_MS, interDigitTimeoutMs: SURVEY_TIMEOUT_MS });
    result = SURVEY_KEYS[digits] ?? 'no-answer';
    await record();
    await port.play([PROMPTS.surveyThanks]);
  } catch (error) {
    if (!(error instanceof CallerHungUp)) log.warn({ callId: call.callId, err: (error as Error).message }, 'survey failed');
    // A caller who hung up (or a prompt that failed) before rating: "no answer" on the ticket.
    if (!recorded) await record().catch((again: unknown) => log.error({ callId: call.callId, err: (again as Error).message }, 'survey result not written'));
  }
}
