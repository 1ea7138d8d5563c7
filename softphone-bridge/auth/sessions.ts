/**
 * Login sessions. A token counts only while the session it names is live: its row is neither revoked
 * nor expired, and the account still exists, is enabled and has the login and role the token was
 * issued for. Every HTTP request and every socket message is checked against that (two primary-key
 * reads), so a change to an account takes effect on the next thing its holder does.
 *
 * Live sockets are told at once: `watch` registers a socket's session, and revoking a session (logout,
 * an account disabled, deleted, re-roled, renamed or given a new password) ends the sockets that hold it.
 * A sweep catches what nobody announced (a token running out, a change made by another process).
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../cti/logging.js';
import {
  clockOf,
  createSession,
  findAgent,
  findAgents,
  findSession,
  findSessions,
  revokeAccountSessions,
  revokeSession,
  type AgentRow,
  type Db,
  type SessionRevokeReason,
  type SessionRow,
} from '../../store/index.js';
import { SESSION_LIFETIME_S, type TokenClaims, type TokenService } from './tokens.js';

/** Why a session ended. */
export type SessionEnd = SessionRevokeReason | 'expired' | 'account-changed';

/** What the holder of an ended session is told (on the page and in the socket's last message). */
export const SESSION_END_TEXT: Record<SessionEnd, string> = {
  logout: '已退出登录',
  'forced-logout': '您已被班长强制签出，如需继续接听请重新登录',
  disabled: '账号已被停用，请联系管理员',
  deleted: '账号已被删除',
  'role-changed': '账号角色已变更，请重新登录',
  'login-changed': '工号已变更，请用新工号重新登录',
  'password-reset': '密码已被重置，请用新密码重新登录',
  expired: '登录已过期，请重新登录',
  'account-changed': '账号已停用或已变更，请重新登录',
};

type EndListener = (reason: SessionEnd) => void;

const SWEEP_MS = 30_000;

export class Sessions {
  private readonly watchers = new Map<string, Set<EndListener>>();
  private sweeper: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly db: Db,
    readonly tokens: TokenService,
    private readonly log: Logger,
  ) {}

  /** Opens a session for an account that has just proved its password; its token. */
  async open(agent: AgentRow, endpoint: string | null, address: string | null): Promise<string> {
    const sessionId = randomBytes(16).toString('base64url');
    const expiresS = Math.floor(clockOf(this.db).now().getTime() / 1000) + SESSION_LIFETIME_S;
    await createSession(this.db, {
      id: sessionId,
      agentId: agent.id,
      login: agent.login,
      role: agent.role,
      address,
      expiresAt: new Date(expiresS * 1000).toISOString(),
    });
    this.log.info({ account: agent.login, role: agent.role, session: sessionId }, 'session opened');
    return this.tokens.sign({ agentId: agent.id, login: agent.login, role: agent.role, endpoint, sessionId }, expiresS);
  }

  /** Null while the session is live; otherwise why it is not. */
  async endOf(claims: TokenClaims): Promise<SessionEnd | null> {
    return this.judge(await findSession(this.db, claims.sessionId), claims, () => findAgent(this.db, claims.agentId));
  }

  /** Whether a session row still counts for the account it was issued to (`issued`), whose row `accountOf` reads. */
  private async judge(
    row: SessionRow | undefined,
    issued: Pick<TokenClaims, 'agentId' | 'login' | 'role'>,
    accountOf: () => Promise<AgentRow | undefined>,
  ): Promise<SessionEnd | null> {
    if (!row || row.agentId !== issued.agentId) return 'account-changed';
    if (row.revokedReason) return row.revokedReason as SessionRevokeReason;
    if (Date.parse(row.expiresAt) <= clockOf(this.db).now().getTime()) return 'expired';
    const account = await accountOf();
    if (!account) return 'deleted';
    if (!account.enabled) return 'disabled';
    if (account.role !== issued.role) return 'role-changed';
    if (account.login !== issued.login) return 'login-changed';
    return null;
  }

  /** Ends one session (logout). */
  async logout(claims: TokenClaims): Promise<void> {
    if (await revokeSession(this.db, claims.sessionId, 'logout')) {
      this.log.info({ account: claims.login, session: claims.sessionId }, 'session ended: logout');
    }
    this.ended(claims.sessionId, 'logout');
  }

  /** Ends every session of an account but `keep` (its holder must log in again, if they still may). */
  async revokeAccount(agentId: number, reason: SessionRevokeReason, keep?: string): Promise<void> {
    const ids = await revokeAccountSessions(this.db, agentId, reason, keep);
    if (ids.length) this.log.info({ agentId, reason, sessions: ids.length }, 'sessions revoked');
    for (const id of ids) this.ended(id, reason);
  }

  /** Calls `onEnd` once when the session ends; the returned function stops watching (socket closed). */
  watch(sessionId: string, onEnd: EndListener): () => void {
    const set = this.watchers.get(sessionId) ?? new Set<EndListener>();
    set.add(onEnd);
    this.watchers.set(sessionId, set);
    return () => {
      set.delete(onEnd);
      if (set.size === 0 && this.watchers.get(sessionId) === set) this.watchers.delete(sessionId);
    };
  }

  /** Ends the watched sessions that are no longer live. */
  async sweep(): Promise<void> {
    const ids = [...this.watchers.keys()];
    if (ids.length === 0) return;
    // Every watched session and its account in a few queries: a large centre has thousands of
    // desktops connected, and two queries each held up calls and pops for half a second.
    const rows = new Map((await findSessions(this.db, ids)).map((row) => [row.id, row]));
    const accounts = new Map((await findAgents(this.db, [...new Set([...rows.values()].map((row) => row.agentId))])).map((a) => [a.id, a]));
    for (const sessionId of ids) {
      // A row judged against itself: what it was issued for is what it records.
      const row = rows.get(sessionId);
      const end = row ? await this.judge(row, row, () => Promise.resolve(accounts.get(row.agentId))) : 'account-changed';
      if (end) this.ended(sessionId, end);
    }
  }

  start(): void {
    this.sweeper ??= setInterval(() => {
      void this.sweep().catch((err: unknown) => this.log.error({ err }, 'session sweep failed'));
    }, SWEEP_MS);
    this.sweeper.unref();
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  private ended(sessionId: string, reason: SessionEnd): void {
    const listeners = this.watchers.get(sessionId);
    this.watchers.delete(sessionId);
    for (const listener of listeners ?? []) listener(reason);
  }
}
