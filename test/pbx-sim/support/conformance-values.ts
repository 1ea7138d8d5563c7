/**
 * Every value of a recorded and a simulated ARI message, compared by its form where it is an
 * identifier or a time and as it is otherwise: channel states, dialplan fields, caller and connected
 * ids, languages, causes and their texts, bridge fields, playback and recording states. What differs
 * from run to run on a real Asterisk too becomes a placeholder:
 *  - uniqueids (`1796411459.893`, also inside `app_data`, `args` and names) → `<uniqueid>`;
 *  - UUIDs (bridge, playback ids; the Call-ID of a call Asterisk placed) → `<uuid>`;
 *  - 16 hex digits (the Call-ID of a call a baresip phone placed) → `<hex16>`;
 *  - ISO times with `+0000` → `<time>`;
 *  - channel name counters (`PJSIP/1004-0000000b`) → `-N`;
 *  - a registered contact's `0x…` token and port (the phone's) → `0x…@host:<port>`;
 *  - measured values (MEASURED) → a placeholder.
 * So a value's format (a UUID where Asterisk sends one, `zh` where the endpoint says so) is held to
 * the recording while its identity is not.
 */

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const UNIQUEID = /\b\d{9,}\.\d+\b/g;
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/;
const HEX16 = /^[0-9a-f]{16}$/;
const NAME_COUNTER = /-[0-9a-f]{8}(;[12])?\b/g;
const CONTACT = /(-0x)[0-9a-f]+@([^:;>\s]+):\d+/g;

/**
 * Keys whose values are measured, not chosen, and so differ from run to run: a qualify's round
 * trip, and a recording's `duration` in whole seconds (the tests keep their own pace, on a scaled
 * clock, not the recorder's).
 */
const MEASURED: Record<string, string> = { roundtrip_usec: '<usec>', duration: '<seconds>' };

function normalString(s: string): string {
  if (TIME.test(s)) return '<time>';
  if (HEX16.test(s)) return '<hex16>';
  return s.replace(UUID, '<uuid>').replace(UNIQUEID, '<uniqueid>').replace(NAME_COUNTER, '-N$1').replace(CONTACT, '$1…@$2:<port>');
}

/** The value with identifiers and times replaced by their forms, keys in their order. */
export function normalValues(value: unknown, key = ''): unknown {
  if (key in MEASURED && (typeof value === 'string' || typeof value === 'number')) return MEASURED[key];
  if (Array.isArray(value)) return value.map((v) => normalValues(v));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, normalValues(v, k)]));
  }
  return typeof value === 'string' ? normalString(value) : value;
}

/** One line per message: its normalised values as JSON. */
export function valueLine(value: unknown): string {
  return JSON.stringify(normalValues(value));
}
