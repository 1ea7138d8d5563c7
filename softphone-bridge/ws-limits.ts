/**
 * Limits on the live sockets (agent desktop, supervisor wallboard), so that one account cannot
 * exhaust the server:
 * - a frame may be at most `MAX_FRAME_BYTES` (the protocols' commands are a few hundred bytes);
 *   `ws` refuses a larger one itself and closes with 1009;
 * - an account holds at most `perAccount` sockets and the server `total` (close 4429);
 * - each socket may send a burst of `burst` messages, then `perSecond` a second (close 1008).
 * Every close for a limit is logged at warn with the account and the limit.
 */
import { performance } from 'node:perf_hooks';
import type { WebSocket } from 'ws';

export const MAX_FRAME_BYTES = 16 * 1024;
export const CLOSE_TOO_MANY_SOCKETS = 4429;
export const CLOSE_TOO_MANY_MESSAGES = 1008;

export interface LimitSettings {
  perAccount: number;
  total: number;
  burst: number;
  perSecond: number;
}

export const DEFAULT_LIMITS: LimitSettings = { perAccount: 4, total: 2000, burst: 30, perSecond: 10 };

interface LimitLog {
  warn(details: object, message: string): void;
}

export class SocketLimits {
  private readonly byAccount = new Map<string, number>();
  private open = 0;

  constructor(
    private readonly log: LimitLog,
    private readonly limits: LimitSettings = DEFAULT_LIMITS,
  ) {}

  /**
   * Admits a new socket of `account`, or closes it (and answers false). Once admitted, the socket is
   * counted until it closes, and each message it sends goes through `allow` first: false means the
   * socket was closed for sending too fast and the message must be dropped.
   */
  admit(socket: WebSocket, account: string, what: string): { allow: () => boolean } | null {
    const mine = this.byAccount.get(account) ?? 0;
    if (mine >= this.limits.perAccount || this.open >= this.limits.total) {
      const limit = mine >= this.limits.perAccount ? `${this.limits.perAccount} per account` : `${this.limits.total} in all`;
      this.log.warn({ account, socket: what, limit }, 'socket refused: too many sockets');
      socket.close(CLOSE_TOO_MANY_SOCKETS, 'too many sockets');
      return null;
    }
    this.byAccount.set(account, mine + 1);
    this.open += 1;
    socket.once('close', () => {
      this.open -= 1;
      const left = (this.byAccount.get(account) ?? 1) - 1;
      if (left > 0) this.byAccount.set(account, left);
      else this.byAccount.delete(account);
    });

    // A token bucket on the monotonic clock: `burst` at once, refilled at `perSecond`.
    let tokens = this.limits.burst;
    let last = performance.now();
    let closed = false;
    return {
      allow: () => {
        if (closed) return false;
        const now = performance.now();
        tokens = Math.min(this.limits.burst, tokens + ((now - last) / 1000) * this.limits.perSecond);
        last = now;
        if (tokens >= 1) {
          tokens -= 1;
          return true;
        }
        closed = true;
        this.log.warn({ account, socket: what, limit: `${this.limits.burst} at once, ${this.limits.perSecond}/s` }, 'socket closed: too many messages');
        socket.close(CLOSE_TOO_MANY_MESSAGES, 'too many messages');
        return false;
      },
    };
  }
}
