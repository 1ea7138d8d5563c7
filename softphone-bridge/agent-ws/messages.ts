/**
 * The agent desktop's WebSocket protocol. Agent → server messages are validated against these schemas;
 * each carries an `id` that the server answers with `{type: "result", id, ok, error?}`.
 */
import Type, { type Static } from 'typebox';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const CallId = Type.String({ minLength: 1, maxLength: 128 });

export const AgentCommand = Type.Union([
  Type.Object({ id: Id, type: Type.Literal('agent.ready') }, { additionalProperties: false }),
  Type.Object(
    { id: Id, type: Type.Literal('agent.notReady'), reason: Type.String({ minLength: 1, maxLength: 64 }) },
    { additionalProperties: false },
  ),
  Type.Object({ id: Id, type: Type.Literal('call.hangup'), callId: CallId }, { additionalProperties: false }),
  Type.Object({ id: Id, type: Type.Literal('call.hold'), callId: CallId }, { additionalProperties: false }),
  Type.Object({ id: Id, type: Type.Literal('call.resume'), callId: CallId }, { additionalProperties: false }),
]);
export type AgentCommand = Static<typeof AgentCommand>;

export interface ResultMessage {
  type: 'result';
  id: string | null;
  ok: boolean;
  error?: string;
}
