/** What the bench and its desktop host (desk-host.ts) say to each other over the IPC channel. */
export type HostRequest =
  | { type: 'login'; serverUrl: string; exts: readonly string[]; password: string; concurrency: number }
  | { type: 'ready'; ext: string }
  | { type: 'inbox-reset' }
  | { type: 'inbox' }
  | { type: 'close' }
  /** For the clocks: the host answers with its `performance.now()`. */
  | { type: 'ping' };

export type HostReply =
  | { type: 'started' }
  | { type: 'logged-in'; loggedIn: number; refused: number; notReady: number; failure?: string }
  | { type: 'result'; ok: boolean; error?: string }
  | { type: 'inbox'; messages: number; bytes: number; types: [string, number][] }
  | { type: 'pong'; now: number }
  /** A desktop's first `call.offered`, at the host's `performance.now()` (the bench maps it onto its own). */
  | { type: 'offered'; ext: string; at: number; callerNumber: string };
