/** A mainland mobile number: eleven digits, 13… to 19…. */
const MOBILE = /^1[3-9]\d{9}$/;

/**
 * A mainland fixed line with its area code and without the 0 before it: Beijing 10 or a 2x code with
 * eight digits, or a three-digit code (3xx to 9xx) with seven or eight. Written after a bare 86, it
 * is ten or eleven digits long, so the 86 is no start of a local number (seven or eight digits).
 */
const FIXED_WITHOUT_ZERO = /^(?:10\d{8}|2\d{9}|[3-9]\d{9,10})$/;

/**
 * One citizen's number in one form, however it is typed (联系电话, a blacklist entry) or presented by
 * the carrier: the blacklist keeps one entry per caller, and the automatic callbacks know a citizen
 * on the line with the centre. Spaces and hyphens dropped; a mainland number without its country code
 * (+86, 0086, or 86 before a mobile or a fixed line's area code) and a mobile without the 0 carriers
 * put before an out-of-area one (013…); a fixed line with its area code (+86 10 1234 5678 and
 * 86 23 1234 5678 → 01012345678, 02312345678; a local number that starts with 86 is kept); any other
 * country's number as +<country code><number>. Null when it is no phone number (letters, too few or
 * too many digits, a country code alone).
 */
export function citizenNumber(written: string): string | null {
  const match = /^(\+|00)?(\d+)$/.exec(written.trim().replace(/[\s-]/g, ''));
  if (!match) return null;
  const international = match[1] !== undefined;
  let digits = match[2]!;
  if (international && !digits.startsWith('86')) return digits.length >= 6 && digits.length <= 15 ? `+${digits}` : null;
  if (international) {
    digits = digits.slice(2);
    if (!MOBILE.test(digits) && !digits.startsWith('0') && digits.length >= 9) digits = `0${digits}`;
  } else if (digits.startsWith('86') && MOBILE.test(digits.slice(2))) digits = digits.slice(2);
  else if (digits.startsWith('86') && FIXED_WITHOUT_ZERO.test(digits.slice(2))) digits = `0${digits.slice(2)}`;
  else if (digits.startsWith('0') && MOBILE.test(digits.slice(1))) digits = digits.slice(1);
  return digits.length >= 3 && digits.length <= 20 ? digits : null;
}

