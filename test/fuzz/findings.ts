/**
 * What a fuzz run found: each kind of violation once, with how often it happened and the smallest
 * input that showed it (the smallest of thousands is usually close to minimal), plus how many
 * inputs each surface was given.
 */
export interface Finding {
  kind: string;
  count: number;
  /** The smallest reproducing input seen, as text. */
  example: string;
}

export class Findings {
  private readonly byKind = new Map<string, Finding>();
  private readonly inputs = new Map<string, number>();

  /** Records one violation of `kind` shown by `input` (kept if it is the smallest so far). */
  add(kind: string, input: unknown): void {
    const example = typeof input === 'string' ? input : JSON.stringify(input);
    const shown = example.length > 600 ? `${example.slice(0, 600)}… (${example.length} chars)` : example;
    const known = this.byKind.get(kind);
    if (!known) this.byKind.set(kind, { kind, count: 1, example: shown });
    else {
      known.count += 1;
      if (example.length < known.example.length) known.example = shown;
    }
  }

  private readonly answers = new Map<string, Map<string, number>>();

  /** Tallies an answer (`2xx`, `4xx`, `result ok`, …) of a surface, to see that the inputs got through. */
  answered(surface: string, answer: string, n = 1): void {
    const tally = this.answers.get(surface) ?? new Map<string, number>();
    tally.set(answer, (tally.get(answer) ?? 0) + n);
    this.answers.set(surface, tally);
  }

  answersOf(surface: string, answer: string): number {
    return this.answers.get(surface)?.get(answer) ?? 0;
  }

  /** `admin-api 2xx 812 / 4xx 3401; …` */
  answerSummary(): string {
    return [...this.answers.entries()].map(([surface, tally]) => `${surface} ${[...tally.entries()].sort().map(([k, v]) => `${k} ${v}`).join(' / ')}`).join('; ');
  }

  tried(surface: string, n = 1): void {
    this.inputs.set(surface, (this.inputs.get(surface) ?? 0) + n);
  }

  count(surface: string): number {
    return this.inputs.get(surface) ?? 0;
  }

  /** Inputs per surface. */
  counts(): Record<string, number> {
    return Object.fromEntries(this.inputs);
  }

  get total(): number {
    let n = 0;
    for (const v of this.inputs.values()) n += v;
    return n;
  }

  of(prefix: string): Finding[] {
    return [...this.byKind.values()].filter((f) => f.kind.startsWith(prefix));
  }

  all(): Finding[] {
    return [...this.byKind.values()];
  }

  /** `fuzz: admin-api 60000, tickets 15000, … total 102000` */
  summary(): string {
    return `${[...this.inputs.entries()].map(([k, v]) => `${k} ${v}`).join(', ')}, total ${this.total}`;
  }
}

/** One finding per line, for an assertion message. */
export const describeFindings = (findings: Finding[]): string =>
  findings.map((f) => `- ${f.kind} (×${f.count})\n    e.g. ${f.example}`).join('\n');
