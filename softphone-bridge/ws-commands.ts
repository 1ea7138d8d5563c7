/**
 * Validation at the WebSocket edge, shared by the agent and supervisor sockets: a message becomes a
 * command of the socket's schema, or a `result` refusal naming what is wrong (the connection stays):
 * the field and the reason in Chinese, worded as the admin API words them (a union's errors narrowed
 * to the command the message meant; a pattern's hint, never the regular expression).
 */
import type { Static, TSchema } from 'typebox';
import Value from 'typebox/value';
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

/** Runs a command and answers it with its `result`. */
export function answer(id: string, run: Promise<void>, send: (message: ResultMessage) => void): void {
  run.then(
    () => send({ type: 'result', id, ok: true }),
    (error: unknown) => send({ type: 'result', id, ok: false, error: (error as Error).message }),
  );
}
