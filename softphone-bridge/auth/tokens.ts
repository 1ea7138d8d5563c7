/**
 * Signed session tokens (HS256 JWT) for agents, supervisors and admins. The key comes from
 * configuration; without one, a random key is made for this process (tokens die with it).
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
const LIFETIME_S = 12 * 3600;

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

  sign(claims: SessionClaims): Promise<string> {
    return new SignJWT({ login: claims.login, role: claims.role, endpoint: claims.endpoint })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(claims.agentId))
      .setIssuer(ISSUER)
      .setIssuedAt(this.nowS())
      .setExpirationTime(this.nowS() + LIFETIME_S)
      .sign(this.key);
  }

  /** The claims of a valid token, or null (expired, forged, malformed). */
  async verify(token: string): Promise<SessionClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ['HS256'], currentDate: this.clock.now() });
      const agentId = Number(payload.sub);
      const { login, role, endpoint } = payload as Record<string, unknown>;
      if (!Number.isInteger(agentId) || typeof login !== 'string') return null;
      if (role !== 'agent' && role !== 'supervisor' && role !== 'admin') return null;
      return { agentId, login, role, endpoint: typeof endpoint === 'string' ? endpoint : null };
    } catch {
      return null;
    }
  }
}
