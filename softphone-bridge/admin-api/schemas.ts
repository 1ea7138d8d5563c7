/** Schema pieces shared by the admin API's resources: ids, nullable fields, and the formats of numbers and codes. */
import Type, { type TSchema } from 'typebox';

export const Id = Type.Integer({ minimum: 1 });
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A dialled number (DID) or an outside phone number: digits only, as the trunk delivers them. */
export const PhoneNumber = Type.String({ pattern: '^[0-9]{3,20}$', description: '号码（仅数字，3–20 位）' });
/** A prompt id (see asterisk-config prompts), e.g. `greeting-12315`. */
export const PromptId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 64, description: '提示音编号' });
/** A skill or menu code, e.g. `market-12315`. */
export const Code = Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 32, description: '编码（小写字母、数字、连字符）' });
export const Name = Type.String({ minLength: 1, maxLength: 64 });
/** A phone an agent sits at, e.g. `PJSIP/1001`. */
export const Endpoint = Type.String({ pattern: '^[A-Za-z]+/[A-Za-z0-9_.-]+$', maxLength: 64, description: '话机，如 PJSIP/1001' });
/** A dial string on the trunk, e.g. `PJSIP/12366@trunk`. */
export const DialString = Type.String({ pattern: '^[A-Za-z]+/[A-Za-z0-9_.@-]+$', maxLength: 80, description: '拨号串，如 PJSIP/12366@trunk' });
/** Local (Asia/Shanghai) time of day. */
export const ClockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM（北京时间）' });
export const DateTime = Type.String({ format: 'date-time', description: 'ISO-8601 时间，如 2026-12-31T16:00:00Z' });
