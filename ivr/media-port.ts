/**
 * What the IVR needs from a call's media, and nothing about how: `cti/` implements it over ARI
 * (playbacks and ChannelDtmfReceived), tests implement it in memory.
 */
export interface PlayResult {
  /** True when a key stopped the prompt (barge-in). The key itself stays for the next `collect`. */
  interrupted: boolean;
}

export interface CollectOptions {
  maxDigits: number;
  /** e.g. `#`: ends the input and is not part of it. */
  terminator?: string;
  /** Wait for the first digit. */
  firstDigitTimeoutMs: number;
  /** Wait between digits once input has started. */
  interDigitTimeoutMs: number;
}

export interface CollectResult {
  digits: string;
  /** Why collection stopped. */
  reason: 'max-digits' | 'terminator' | 'timeout';
}

export interface MediaPort {
  /**
   * Plays the prompts in order. A key pressed meanwhile (or already waiting) stops it; keys are never
   * lost: they wait, in order, for the next `collect` (until `discardKeys`).
   */
  play(prompts: string[]): Promise<PlayResult>;
  /** Reads keys, starting with any already pressed. */
  collect(options: CollectOptions): Promise<CollectResult>;
  /**
   * Forgets the keys pressed so far and not yet read. Type-ahead is for the prompts of one walk
   * through the menus; a new question (the post-call survey) or the end of the IVR starts clean, so a
   * key meant for something earlier never answers it or skips its prompt.
   */
  discardKeys(): void;
}

/** Thrown by a port when the caller hangs up: the walk stops wherever it is. */
export class CallerHungUp extends Error {
  constructor() {
    super('caller hung up');
    this.name = 'CallerHungUp';
  }
}
