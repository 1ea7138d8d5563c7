/**
 * Signed session tokens (HS256 JWT) for agents, supervisors and admins. The key comes from
 * configuration; without one, a random key is made for this process (tokens die with it). A token
 * names its session (`jti`): the signature proves who it was issued to, the session row (see
 * sessions.ts) whether it still counts.
 */
import { SignJWT, jwtVerify } from 'jose';
import { randomBytes } from 'node:crypto';
import { systemClock, type AgentRole, type Clock } from '../../store/index.js';

export interface SessionClaims {
  agentId: number;
  login: string;
  role: AgentRole;
  /** The phone the agent sits at for this session (hot-desking), when an agent. */
  endpoint: string | null;
}

const ISSUER = 'cti-12345';
/** How long a login lasts at most (a shift and a half); logout or an account change ends it sooner. */
export const SESSION_LIFETIME_S = 12 * 3600;

/** The claims of a token together with the session it names. */
export interface TokenClaims extends SessionClaims {
  sessionId: string;
}

export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    key: string | undefined,
    private readonly clock: Clock = systemClock,
  ) {
    this.key = key ? new TextEncoder().encode(key) : randomBytes(32);
  }

  private nowS(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }

  get ephemeral(): boolean {
    return this.key instanceof Buffer;
  }

  /** A token for the session `claims.sessionId`, valid until `expiresAt` (epoch seconds). */
  sign(claims: TokenClaims, expiresAt: number): Promise<string> {
    return new SignJWT({ login: claims.login, role: claims.role, endpoint: claims.endpoint })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(claims.agentId))
      .setJti(claims.sessionId)
      .setIssuer(ISSUER)
      .setIssuedAt(this.nowS())
      .setExpirationTime(expiresAt)
      .sign(this.key);
  }

  /** The claims of a validly signed, unexpired token, or null (expired, forged, malformed, no session). */
  async verify(token: string): Promise<TokenClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ['HS256'], currentDate: this.clock.now() });
      const agentId = Number(payload.sub);
      const { login, role, endpoint } = payload as Record<string, unknown>;
      if (!Number.isInteger(agentId) || typeof login !== 'string' || typeof payload.jti !== 'string') return null;
      if (role !== 'agent' && role !== 'supervisor' && role !== 'admin' && role !== 'editor') return null;
      return { agentId, login, role, endpoint: typeof endpoint === 'string' ? endpoint : null, sessionId: payload.jti };
    } catch {
      return null;
    }
  }
}
