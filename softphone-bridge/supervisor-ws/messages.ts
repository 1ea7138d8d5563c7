/**
 * Supervisor → server commands (SUPERVISOR.md), validated at the edge; and the shape of the
 * `monitoring` message the server sends a wallboard on connect.
 */
import Type, { type Static } from 'typebox';
import { FreeText } from '../http/free-text.js';

const Id = FreeText({ minLength: 1, maxLength: 64 });
const AgentId = Type.Integer({ minimum: 1 });

export const SupervisorCommand = Type.Union([
  Type.Object(
    {
      id: Id,
      type: Type.Union([Type.Literal('monitor.listen'), Type.Literal('monitor.whisper'), Type.Literal('monitor.barge'), Type.Literal('monitor.stop')]),
      agentId: AgentId,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { id: Id, type: Type.Literal('agent.forceNotReady'), agentId: AgentId, reason: FreeText({ minLength: 1, maxLength: 64 }) },
    { additionalProperties: false },
  ),
  Type.Object({ id: Id, type: Type.Literal('agent.forceLogout'), agentId: AgentId }, { additionalProperties: false }),
]);
export type SupervisorCommand = Static<typeof SupervisorCommand>;

/**
 * Server → supervisor, once on connect (after the first `snapshot`): every monitoring session of the
 * socket's login, so that a wallboard opened again shows what the supervisor's phone still hears.
 */
export const MonitoringMessage = Type.Object(
  {
    type: Type.Literal('monitoring'),
    sessions: Type.Array(
      Type.Object(
        {
          agentId: AgentId,
          callId: Type.String({ minLength: 1 }),
          mode: Type.Union([Type.Literal('listen'), Type.Literal('whisper'), Type.Literal('barge')]),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type MonitoringMessage = Static<typeof MonitoringMessage>;
