/**
 * What the bench's children write, counted rather than printed as it comes: the same warning a
 * thousand times is one line of the report, with the stages of the bench it came in.
 */

/** Counts what the children wrote (server: pino JSON lines at warn and above; minimal app: stderr). */
export class OutputTally {
  private readonly lines = new Map<string, { count: number; stages: Set<string> }>();

  /** `stage` says which part of the bench is going on when a line comes. */
  constructor(private readonly stage: () => string) {}

  note(text: string): void {
    const entry = this.lines.get(text) ?? { count: 0, stages: new Set<string>() };
    entry.count += 1;
    entry.stages.add(this.stage());
    this.lines.set(text, entry);
  }

  report(who: string): string[] {
    if (this.lines.size === 0) return [`${who}: nothing logged at warn level or above`];
    return [
      `${who} logged:`,
      ...[...this.lines].map(([text, { count, stages }]) => `  ${count}× ${text.slice(0, 300)} (during: ${[...stages].slice(0, 6).join('; ')})`),
    ];
  }
}

/** One output line of the server child into its tally: its level, message and error reason. */
export function serverLine(tally: OutputTally, stream: 'stdout' | 'stderr', line: string): void {
  if (stream === 'stderr') {
    tally.note(`stderr: ${line}`);
    return;
  }
  try {
    const entry = JSON.parse(line) as { level?: number; msg?: string; err?: string | { message?: string } };
    const reason = typeof entry.err === 'string' ? entry.err : entry.err?.message;
    tally.note(`level ${entry.level ?? '?'}: ${entry.msg ?? ''}${reason ? ` (${reason})` : ''}`);
  } catch {
    tally.note(`stdout: ${line}`);
  }
}
