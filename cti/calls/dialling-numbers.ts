/**
 * The citizens' numbers the centre is calling now: by an agent's 回拨 or 外呼 (click-to-call.ts), by
 * the automatic missed-call callback (cti/callbacks/missed-call-callbacks.ts) or by the 回访 survey
 * (cti/callbacks/survey-callbacks.ts). Each claims the number before anything rings and releases it
 * once its attempt is over. An automatic call never rings a number someone else is calling, nor does
 * an agent ring one an automatic call is ringing; agents' own calls are not held up by each other
 * (each is counted). In memory: one server places its own calls.
 */

/** Who is calling a number: an agent by hand, the automatic missed-call callback or the 回访 survey. */
export type DiallingBy = 'agent' | 'missed-call-callback' | 'survey-callback';

export class DiallingNumbers {
  private readonly numbers = new Map<string, { by: DiallingBy; count: number }>();

  /** Who is calling `number` now, if anyone. */
  holder(number: string): DiallingBy | undefined {
    return this.numbers.get(number)?.by;
  }

  /** Takes `number` for one attempt: false (nothing taken) when the other side is calling it. */
  claim(number: string, by: DiallingBy): boolean {
    const held = this.numbers.get(number);
    if (held && (held.by !== 'agent' || by !== 'agent')) return false;
    this.numbers.set(number, { by, count: (held?.count ?? 0) + 1 });
    return true;
  }

  /** Gives `number` back once an attempt that claimed it is over. */
  release(number: string): void {
    const held = this.numbers.get(number);
    if (!held) return;
    if (held.count > 1) held.count--;
    else this.numbers.delete(number);
  }
}
