/**
 * The agent desktop's WebSocket protocol. Agent → server messages are validated against these schemas;
 * each carries an `id` that the server answers with `{type: "result", id, ok, error?}`. Text in them
 * (a pause reason others see on the wallboard, ids that end up in logs) refuses control and
 * direction characters.
 */
import Type, { type Static } from 'typebox';
import { FreeText, Pattern } from '../http/free-text.js';

const Id = FreeText({ minLength: 1, maxLength: 64 });
const CallId = FreeText({ minLength: 1, maxLength: 128 });
const PhoneNumber = Pattern('^[0-9]{3,20}$', '仅数字，3–20 位');
/** Keys of a phone's keypad, as a department's voice menu expects them. */
const Digits = Pattern('^[0-9*#]{1,20}$', '仅 0–9、* 和 #，1–20 位');

export const Target = Type.Union([
  Type.Object({ kind: Type.Literal('agent'), agentId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('skill'), skill: FreeText({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('expert'), expertSeatId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('contact'), contactId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('subcentre'), number: PhoneNumber }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('emergency'), number: Type.Union([Type.Literal('110'), Type.Literal('119'), Type.Literal('120'), Type.Literal('122')]) },
    { additionalProperties: false },
  ),
]);

export const AgentCommand = Type.Union([
  Type.Object({ id: Id, type: Type.Literal('agent.ready') }, { additionalProperties: false }),
  Type.Object(
    { id: Id, type: Type.Literal('agent.notReady'), reason: FreeText({ minLength: 1, maxLength: 64 }) },
    { additionalProperties: false },
  ),
  Type.Object({ id: Id, type: Type.Literal('call.hangup'), callId: CallId }, { additionalProperties: false }),
  Type.Object({ id: Id, type: Type.Literal('call.hold'), callId: CallId }, { additionalProperties: false }),
  Type.Object({ id: Id, type: Type.Literal('call.resume'), callId: CallId }, { additionalProperties: false }),
  Type.Object(
    {
      id: Id,
      type: Type.Literal('call.transfer'),
      callId: CallId,
      target: Target,
      mode: Type.Union([Type.Literal('blind'), Type.Literal('attended')]),
    },
    { additionalProperties: false },
  ),
  Type.Object({ id: Id, type: Type.Literal('call.transfer.complete'), callId: CallId }, { additionalProperties: false }),
  Type.Object(
    { id: Id, type: Type.Literal('call.dial'), number: PhoneNumber, missedCallId: Type.Optional(Type.Integer({ minimum: 1 })) },
    { additionalProperties: false },
  ),
  Type.Object({ id: Id, type: Type.Literal('agent.wrapUp.extend') }, { additionalProperties: false }),
  Type.Object({ id: Id, type: Type.Literal('call.mute'), callId: CallId }, { additionalProperties: false }),
  Type.Object({ id: Id, type: Type.Literal('call.unmute'), callId: CallId }, { additionalProperties: false }),
  Type.Object({ id: Id, type: Type.Literal('call.dtmf'), callId: CallId, digits: Digits }, { additionalProperties: false }),
  Type.Object({ id: Id, type: Type.Literal('call.transfer.cancel'), callId: CallId }, { additionalProperties: false }),
  Type.Object({ id: Id, type: Type.Literal('call.conference'), callId: CallId, target: Target }, { additionalProperties: false }),
  Type.Object(
    { id: Id, type: Type.Literal('call.kick'), callId: CallId, party: Type.Union([Type.Literal('agent'), Type.Literal('third')]) },
    { additionalProperties: false },
  ),
]);
export type AgentCommand = Static<typeof AgentCommand>;
