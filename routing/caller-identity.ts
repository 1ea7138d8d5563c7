/**
 * Whether the number a call presents names its caller. A caller who withholds their number reaches
 * the centre as `anonymous` (PJSIP), `unknown`, `restricted`, or with no number at all: every such
 * caller presents the same text, so nothing keyed by the number — their earlier tickets on the
 * screen-pop, the repeat-call count, the IVR's progress query of "their own" tickets — may be read
 * for them, or one citizen would see (and be counted with) every other who withholds theirs.
 */

/** Digits, perhaps after a `+`: anything else (empty, `anonymous`, `unknown` …) identifies nobody. */
const IDENTIFYING = /^\+?\d+$/;

export function isWithheldNumber(callerNumber: string): boolean {
  return !IDENTIFYING.test(callerNumber);
}
