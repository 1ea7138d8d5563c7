/**
 * What the IVR needs from a call's media, and nothing about how: `cti/` implements it over ARI
 * (playbacks and ChannelDtmfReceived), tests implement it in memory.
 */
export interface PlayResult {
  /** The digit that stopped the prompt (barge-in), if one was pressed. */
  bargeIn: string | null;
}

export interface CollectOptions {
  maxDigits: number;
  /** e.g. `#`: ends the input and is not part of it. */
  terminator?: string;
  /** Wait for the first digit. */
  firstDigitTimeoutMs: number;
  /** Wait between digits once input has started. */
  interDigitTimeoutMs: number;
  /** Digits already pressed (barge-in) that start this input. */
  initial?: string;
}

export interface CollectResult {
  digits: string;
  /** Why collection stopped. */
  reason: 'max-digits' | 'terminator' | 'timeout';
}

export interface MediaPort {
  /** Plays the prompts in order; a digit pressed meanwhile stops the playing and is returned. */
  play(prompts: string[]): Promise<PlayResult>;
  collect(options: CollectOptions): Promise<CollectResult>;
}

/** Thrown by a port when the caller hangs up: the walk stops wherever it is. */
export class CallerHungUp extends Error {
  constructor() {
    super('caller hung up');
    this.name = 'CallerHungUp';
  }
}
