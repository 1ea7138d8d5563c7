/**
 * Who may call what. Every admin API route declares the roles it admits in its route config
 * (`config: { roles: STAFF }`); this guard checks the bearer token and the role before anything else
 * (401 without a valid login, 403 with the wrong role), and a route without declared roles cannot be
 * registered at all.
 */
import type { FastifyRequest, onRequestAsyncHookHandler, RouteOptions } from 'fastify';
import { findAgent, type AgentRole, type Db } from '../../store/index.js';
import { requestToken } from '../auth/request-token.js';
import type { SessionClaims, TokenService } from '../auth/tokens.js';
import { ApiError } from './errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The roles a route admits (admin API). */
    roles?: readonly AgentRole[];
  }
  interface FastifyRequest {
    session?: SessionClaims;
  }
}

/** Administrators only. */
export const ADMIN: readonly AgentRole[] = ['admin'];
/** Administrators and supervisors (班长/质检). */
export const STAFF: readonly AgentRole[] = ['admin', 'supervisor'];
/** Everyone who can log in, agents included. */
export const EVERYONE: readonly AgentRole[] = ['admin', 'supervisor', 'agent'];

/** `onRoute`: refuses to register a route that does not say who may call it. */
export function assertRolesDeclared(route: RouteOptions): void {
  const roles = route.config?.roles;
  if (!roles || roles.length === 0) throw new Error(`admin API route ${String(route.method)} ${route.url} declares no roles`);
}

/** `onRequest`: a valid token of an account that still exists, is enabled and holds that role. */
export function roleGuard(deps: { tokens: TokenService; db: Db }): onRequestAsyncHookHandler {
  return async (request) => {
    const roles = request.routeOptions.config.roles;
    if (!roles) throw new ApiError(403, '接口未声明访问角色');
    const token = requestToken(request);
    if (!token) throw new ApiError(401, '未登录：请先登录并携带 Authorization: Bearer 令牌');
    const claims = await deps.tokens.verify(token);
    if (!claims) throw new ApiError(401, '登录无效或已过期，请重新登录');
    const account = findAgent(deps.db, claims.agentId);
    if (!account?.enabled || account.role !== claims.role || account.login !== claims.login) {
      throw new ApiError(401, '账号已停用或已变更，请重新登录');
    }
    if (!roles.includes(claims.role)) throw new ApiError(403, '无权执行此操作');
    request.session = claims;
  };
}

/** The caller of a guarded route. */
export function sessionOf(request: FastifyRequest): SessionClaims {
  if (!request.session) throw new ApiError(401, '未登录');
  return request.session;
}
