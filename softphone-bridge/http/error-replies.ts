/**
 * One error shape for every HTTP answer that is not a success, whichever route or plugin failed:
 * `{error, details?}` with the text in Chinese — never Fastify's English format, never schema text.
 * Unknown paths get the same shape (404).
 */
import type { FastifyInstance } from 'fastify';
import { adminErrorHandler } from '../admin-api/errors.js';

export function registerErrorReplies(app: FastifyInstance): void {
  app.setErrorHandler(adminErrorHandler);
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: '请求的地址不存在' }));
}
