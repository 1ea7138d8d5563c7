/** What the bench and its desktop host (desk-host.ts) say to each other over the IPC channel (host-messages.ts wraps them). */
export type DeskRequest =
  | { type: 'login'; serverUrl: string; exts: readonly string[]; password: string; concurrency: number }
  | { type: 'ready'; ext: string }
  | { type: 'inbox-reset' }
  | { type: 'inbox' }
  | { type: 'close' };

export type DeskReply =
  | { type: 'logged-in'; loggedIn: number; refused: number; notReady: number; failure?: string }
  | { type: 'result'; ok: boolean; error?: string }
  | { type: 'inbox'; messages: number; bytes: number; types: [string, number][] };

/** A desktop's first `call.offered`, at the host's `machineMs()` (bench-clock.ts: the same clock as the bench's). */
export type DeskEvent = { type: 'offered'; ext: string; at: number; callerNumber: string };
