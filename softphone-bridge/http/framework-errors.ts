/**
 * The router's own refusals, before any route or hook runs: a path with a broken percent escape
 * (`/%`, `/api/v1/agents/%E0`) or a path part longer than any id. Fastify would answer them in its
 * English format naming its error code, without the headers every other answer carries; here they
 * get the server's one error shape in Chinese (error-replies.ts) and the security headers
 * (security-headers.ts). Set as the server's `frameworkErrors` (main.ts).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorReply } from './error-replies.js';
import { setSecurityHeaders } from './security-headers.js';

const REFUSALS: Record<string, { status: number; error: string }> = {
  FST_ERR_BAD_URL: { status: 400, error: '请求的地址不正确' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, error: '请求的地址过长' },
};

export function replyToFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  setSecurityHeaders(request.raw, reply.raw);
  const refusal = REFUSALS[error.code];
  // Neither the URL nor its query string is logged: a query string may carry a token or a number.
  if (!refusal) request.log.error({ err: error, method: request.method }, 'request failed before routing');
  const body: ErrorReply = { error: refusal?.error ?? '服务器内部错误' };
  void reply.code(refusal?.status ?? 500).send(body);
}
