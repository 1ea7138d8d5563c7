/**
 * Who may call what, for every HTTP route that needs a login. A route declares the roles it admits in
 * its config (`config: { roles: STAFF }`); the guard, an `onRequest` hook, runs before anything else
 * (before the body is even parsed): 401 without a live session (see sessions.ts), 403 with the wrong
 * role. In a scope that uses it, a route without declared roles cannot be registered at all.
 */
import type { FastifyRequest, onRequestAsyncHookHandler, RouteOptions } from 'fastify';
import type { AgentRole } from '../../store/index.js';
import { ApiError } from '../http/error-replies.js';
import { requestToken } from './request-token.js';
import { SESSION_END_TEXT, type Sessions } from './sessions.js';
import type { TokenClaims } from './tokens.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The roles a route admits. */
    roles?: readonly AgentRole[];
  }
  interface FastifyRequest {
    session?: TokenClaims;
  }
}

/** Administrators only. */
export const ADMIN: readonly AgentRole[] = ['admin'];
/** Administrators and supervisors (班长/质检). */
export const STAFF: readonly AgentRole[] = ['admin', 'supervisor'];
/** Everyone who works calls and tickets, agents included (not department knowledge editors). */
export const EVERYONE: readonly AgentRole[] = ['admin', 'supervisor', 'agent'];
/** Every account that can log in: also department knowledge editors (logout, knowledge search). */
export const ANY_ACCOUNT: readonly AgentRole[] = [...EVERYONE, 'editor'];
/** Who works on the knowledge base at /knowledge: editors write, supervisors review, admins do both. */
export const KNOWLEDGE_STAFF: readonly AgentRole[] = ['admin', 'supervisor', 'editor'];

/** `onRoute`: refuses to register a route that does not say who may call it. */
export function assertRolesDeclared(route: RouteOptions): void {
  const roles = route.config?.roles;
  if (!roles || roles.length === 0) throw new Error(`route ${String(route.method)} ${route.url} declares no roles`);
}

/**
 * The live session of a request's token, or the 401 to answer. Also used before a WebSocket upgrade
 * (`socket`: the token may then come as `?token=`, see request-token.ts).
 */
export async function liveSession(sessions: Sessions, request: FastifyRequest, socket = false): Promise<TokenClaims> {
  const token = requestToken(request, socket);
  if (!token) throw new ApiError(401, '未登录：请先登录并携带 Authorization: Bearer 令牌');
  const claims = await sessions.tokens.verify(token);
  if (!claims) throw new ApiError(401, '登录无效或已过期，请重新登录');
  const end = await sessions.endOf(claims);
  if (end) throw new ApiError(401, SESSION_END_TEXT[end]);
  return claims;
}

/** `onRequest`: a live session whose role the route admits. */
export function sessionGuard(sessions: Sessions): onRequestAsyncHookHandler {
  return async (request) => {
    const roles = request.routeOptions.config.roles;
    if (!roles) throw new ApiError(403, '接口未声明访问角色');
    const claims = await liveSession(sessions, request);
    if (!roles.includes(claims.role)) throw new ApiError(403, '无权执行此操作');
    request.session = claims;
  };
}

/** The caller of a guarded route. */
export function sessionOf(request: FastifyRequest): TokenClaims {
  if (!request.session) throw new ApiError(401, '未登录');
  return request.session;
}
