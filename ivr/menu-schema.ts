/**
 * IVR menus are data: this schema is what an admin may store, and `validateMenus` checks what a schema
 * cannot (references between menus, cycles with no way out).
 */
import Type, { type Static } from 'typebox';

const PromptId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 64 });

/**
 * The two forms a `transfer` target takes: an outside phone number (digits, as a department lists
 * it), dialled on the carrier trunk, or a dial string naming the channel technology
 * (`PJSIP/12366@trunk`). The stored schema stays looser (menus saved before the check still load);
 * the admin API refuses anything else.
 */
export const TRANSFER_NUMBER = /^[0-9]{3,20}$/;
export const TRANSFER_DIAL_STRING = /^[A-Za-z]+\/[A-Za-z0-9_.@-]+$/;
export const isTransferTarget = (target: string): boolean => TRANSFER_NUMBER.test(target) || TRANSFER_DIAL_STRING.test(target);

export const IvrAction = Type.Union([
  Type.Object({ type: Type.Literal('queue'), skill: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('menu'), menu: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  Type.Object(
    { type: Type.Literal('transfer'), target: Type.String({ pattern: '^[A-Za-z0-9/@._-]+$' }) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('progress-query') }, { additionalProperties: false }),
  Type.Object(
    { type: Type.Literal('play'), prompts: Type.Array(PromptId, { minItems: 1 }) },
    { additionalProperties: false },
  ),
]);
export type IvrAction = Static<typeof IvrAction>;

export const IvrMenu = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' }),
    name: Type.String({ minLength: 1 }),
    prompts: Type.Array(PromptId, { minItems: 1 }),
    /** Seconds to wait for the first digit after the prompt. */
    timeoutSeconds: Type.Integer({ minimum: 1, maximum: 30 }),
    /** How many more times the menu is offered after a timeout or a wrong key. */
    retries: Type.Integer({ minimum: 0, maximum: 5 }),
    invalidPrompt: PromptId,
    /** Key → action; only phone keys (0–9, *, #) — anything else is refused, not ignored. */
    options: Type.Record(Type.String({ pattern: '^[0-9*#]$' }), IvrAction, { additionalProperties: false }),
    /** After too many failures. Default: the agent queue — never hang up on a citizen. */
    onFailure: IvrAction,
  },
  { additionalProperties: false },
);
export type IvrMenu = Static<typeof IvrMenu>;
