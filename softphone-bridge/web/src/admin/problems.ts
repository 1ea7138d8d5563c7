/** The admin API's error answer, `{error, details: [{field, in?, menu?, message}]}`, for forms to show in place. */
import { ApiError } from '../shared/api.js';

export interface Problem {
  /** JSON pointer into the request body, e.g. `/number`, `/skills/0/level`, `/options/4/skill`. */
  field: string;
  menu?: string;
  message: string;
}

export function problemsOf(error: unknown): { summary: string; problems: Problem[] } {
  if (error instanceof ApiError) {
    const body = error.body as { details?: unknown } | null;
    const problems = Array.isArray(body?.details)
      ? body.details.filter((d): d is Problem => !!d && typeof d === 'object' && typeof (d as Problem).field === 'string' && typeof (d as Problem).message === 'string')
      : [];
    return { summary: error.message, problems };
  }
  return { summary: error instanceof Error ? error.message : String(error), problems: [] };
}

/** The first segment of a pointer: `/skills/0/level` → `skills`. */
export function topField(pointer: string): string {
  return pointer.split('/').filter(Boolean)[0] ?? '';
}
