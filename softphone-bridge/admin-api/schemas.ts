/** Schema pieces shared by the admin API's resources: ids, nullable fields, names, and the formats of numbers and codes. */
import Type, { type TSchema } from 'typebox';
import { FreeText, Pattern } from '../http/free-text.js';

export const Id = Type.Integer({ minimum: 1 });
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const CODE_PATTERN = '^[a-z0-9][a-z0-9-]*$';
const CODE_HINT = '小写字母、数字、连字符，以字母或数字开头';

/** A dialled number (DID) or an outside phone number: digits only, as the trunk delivers them. */
export const PhoneNumber = Pattern('^[0-9]{3,20}$', '仅数字，3–20 位', { description: '号码（仅数字，3–20 位）' });
/** A prompt id (see asterisk-config prompts), e.g. `greeting-12315`. */
export const PromptId = Pattern(CODE_PATTERN, CODE_HINT, { maxLength: 64, description: '提示音编号' });
/** A skill or menu code, e.g. `market-12315`. */
export const Code = Pattern(CODE_PATTERN, CODE_HINT, { maxLength: 32, description: '编码（小写字母、数字、连字符）' });
/** A name people read (of a hotline, a skill, an agent, an expert seat): no control or direction characters. */
export const Name = FreeText({ minLength: 1, maxLength: 64 });
/** A phone an agent sits at: `1001` or `PJSIP/1001` (http/endpoint.ts; stored as `PJSIP/1001`). */
export { Endpoint, endpointForm } from '../http/endpoint.js';
/** A dial string on the trunk, e.g. `PJSIP/12366@trunk`. */
export const DialString = Pattern('^[A-Za-z]+/[A-Za-z0-9_.@-]+$', '如 PJSIP/12366@trunk', { maxLength: 80, description: '拨号串，如 PJSIP/12366@trunk' });
/** Local (Asia/Shanghai) time of day. */
export const ClockTime = Pattern('^([01][0-9]|2[0-3]):[0-5][0-9]$', 'HH:MM，如 08:30', { description: 'HH:MM（北京时间）' });
/** The end of a local time window: a time of day, or `24:00` for a window that runs until midnight. */
export const ClockTimeEnd = Pattern('^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$', 'HH:MM，如 17:30；到午夜写 24:00', { description: 'HH:MM（北京时间）；24:00 = 到午夜' });
export const DateTime = Type.String({ format: 'date-time', description: 'ISO-8601 时间，如 2026-12-31T16:00:00Z' });
