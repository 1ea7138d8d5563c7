/**
 * Validation at the WebSocket edge, shared by the agent and supervisor sockets: a message becomes a
 * command of the socket's schema, or a `result` refusal naming what is wrong (the connection stays):
 * the field and the reason in Chinese, worded as the admin API words them (a union's errors narrowed
 * to the command the message meant; a pattern's hint, never the regular expression).
 */
import type { Static, TSchema } from 'typebox';
import Value from 'typebox/value';
import { AgentError } from '../cti/agents/agent-registry.js';
import { CallControlError } from '../cti/calls/call-control-error.js';
import { StoreError } from '../store/index.js';
import { narrowUnions, validationDetails } from './http/error-replies.js';

export interface ResultMessage {
  type: 'result';
  id: string | null;
  ok: boolean;
  error?: string;
}

export function readCommand<T extends TSchema>(schema: T, data: Buffer): { command: Static<T> } | { refusal: ResultMessage } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch {
    return { refusal: { type: 'result', id: null, ok: false, error: '消息不是有效的 JSON' } };
  }
  if (Value.Check(schema, parsed)) return { command: parsed };
  const first = validationDetails(narrowUnions([...Value.Errors(schema, parsed)], schema, parsed), undefined)[0];
  const id = typeof parsed === 'object' && parsed && 'id' in parsed && typeof parsed.id === 'string' ? parsed.id : null;
  return { refusal: { type: 'result', id, ok: false, error: `消息格式不正确: ${first?.field ?? '/'} ${first?.message ?? ''}`.trim() } };
}

/** What the user reads when a command failed for a reason nobody wrote for them (Asterisk refused a step, the database is away …). */
export const COMMAND_FAILED = '操作未能完成：电话系统暂时无法执行，请稍后重试';

/** A refusal written for the user (in Chinese, naming what stands in the way): shown as it is. */
function isRefusal(error: unknown): error is Error {
  return error instanceof CallControlError || error instanceof AgentError || error instanceof StoreError;
}

/**
 * Runs a command and answers it with its `result`. A refusal's reason goes to the desk as it is;
 * any other failure (an ARI or AMI error, a database error: English, technical) is logged here with
 * the command, and the user reads `COMMAND_FAILED`.
 */
export function answer(
  command: { id: string; type: string },
  run: Promise<void>,
  send: (message: ResultMessage) => void,
  log: { error(details: object, message: string): void },
): void {
  const { id } = command;
  run.then(
    () => send({ type: 'result', id, ok: true }),
    (error: unknown) => {
      if (isRefusal(error)) {
        send({ type: 'result', id, ok: false, error: error.message });
        return;
      }
      log.error({ err: error, command: command.type }, 'a command failed');
      send({ type: 'result', id, ok: false, error: COMMAND_FAILED });
    },
  );
}
