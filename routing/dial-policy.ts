/**
 * Which numbers an agent may dial from the desktop (外呼, 回拨): the centre's own directory (department
 * contacts, expert seats' outside numbers, sub-centres), the emergency lines, and ordinary citizens'
 * numbers — mainland mobiles (also with the leading 0 carriers put before an out-of-area mobile
 * caller, 013…, the form a missed call is called back in), local fixed lines and fixed lines with an
 * area code. Nothing else (international, premium-rate 1900/168, short service codes): the centre's
 * trunk must not be used for them. The one place this rule lives; `call.dial` refuses through it.
 */

/** The emergency lines (Chongqing art. 10): dialled by agents, and transfers to them raise an alert. */
export const EMERGENCY_LINES = ['110', '119', '120', '122'] as const;
export type EmergencyLine = (typeof EMERGENCY_LINES)[number];

/** Whether `number` is an emergency line (a directory contact may be one). */
export const isEmergencyLine = (number: string): number is EmergencyLine => (EMERGENCY_LINES as readonly string[]).includes(number);

/**
 * Mainland mobile: eleven digits on the carriers' mobile prefixes (not 168…, the premium-rate
 * information lines), perhaps after the 0 of an out-of-area mobile (no area code begins 01 but 010,
 * and Beijing's numbers are eleven digits long: a twelve-digit 01… is a mobile).
 */
const MOBILE = /^0?1(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])\d{8}$/;
/** A local fixed line: seven or eight digits, not starting with 0 or 1. */
const LOCAL = /^[2-9]\d{6,7}$/;
/**
 * A fixed line with its area code: a real area code (010 Beijing, 02X, or a three-digit 0[3-9]XX), then a
 * local number. Spelled out so a premium-rate 168/1900 line cannot pass as a longer area code
 * ("01016812345" is 010 + 16812345, refused, not "0101" + 6812345).
 */
const WITH_AREA_CODE = /^0(?:10|2\d|[3-9]\d{2})[2-9]\d{6,7}$/;

export type DialKind = 'directory' | 'emergency' | 'mobile' | 'fixed';

/** What kind of allowed number `number` is, or null when the centre does not dial it. */
export function dialKind(number: string, directory: ReadonlySet<string>): DialKind | null {
  if (directory.has(number)) return 'directory';
  if (isEmergencyLine(number)) return 'emergency';
  if (MOBILE.test(number)) return 'mobile';
  if (LOCAL.test(number) || WITH_AREA_CODE.test(number)) return 'fixed';
  return null;
}

/** The refusal an agent reads for a number outside the rule, or null when it may be dialled. */
export function dialRefusal(number: string, directory: ReadonlySet<string>): string | null {
  return dialKind(number, directory) === null
    ? `不能外呼 ${number}：只能拨打部门通讯录、分中心、紧急热线（110/119/120/122）、本地固话、带区号的固话或手机号码`
    : null;
}
