/** Supervisor → server commands (SUPERVISOR.md), validated at the edge. */
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
