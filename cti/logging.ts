/**
 * Logging for the telephony layers. Caller numbers are personal data (Chongqing art. 22): they go
 * into logs only through `maskNumber`.
 */
import { pino, stdSerializers, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** `13800138000` → `138****8000`; short numbers (12345, extensions) are not personal and stay. */
export function maskNumber(number: string | null | undefined): string {
  if (!number) return '';
  if (number.length <= 6) return number;
  const keepHead = number.length >= 11 ? 3 : 2;
  return `${number.slice(0, keepHead)}${'*'.repeat(number.length - keepHead - 4)}${number.slice(-4)}`;
}

/** What a personal phone number looks like (7+ digits); state names and short service numbers are not. */
const PHONE_NUMBER = /^\+?\d{7,}$/;

/**
 * A run of 7+ digits standing alone in a text: a phone number as an error's text shows it ("params:
 * 13800138000", "PJSIP/13900000001@trunk"). Digits joined to more digits by a dot are left: Asterisk's
 * channel ids (`1796411459.893`) are what a reader of the log needs to follow a call.
 */
const NUMBER_IN_TEXT = /(?<!\d|\d\.)\d{7,}(?!\d|\.\d)/g;

/** `text` with every phone number in it masked. */
export function maskNumbersIn(text: string): string {
  return text.replace(NUMBER_IN_TEXT, (digits) => maskNumber(digits));
}

/**
 * The innermost cause's message: a failed query's error is worded as its query ("Failed query: …"),
 * the database's own reason is its cause.
 */
export function innermostMessage(error: unknown): string {
  let root = error;
  for (let depth = 0; root instanceof Error && root.cause !== undefined && depth < 5; depth++) root = root.cause;
  return root instanceof Error ? root.message : String(root);
}

/** Strings anywhere in `value` (an error serialized, its fields, its causes) with their numbers masked. */
function masked(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskNumbersIn(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => masked(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, masked(item, depth + 1)]));
}

/**
 * An error as the log shows it. A failed query's error carries its parameters: drizzle's reads
 * "Failed query: … params: 13800138000, …" and keeps them in `params`, PostgreSQL's `detail` names
 * the key that clashed ("Key (caller_number)=(…)"). Whatever the error, its text and fields reach
 * the log with the numbers in them masked; an error passed as its message alone, too.
 */
function serializeError(value: unknown): unknown {
  return masked(value instanceof Error ? stdSerializers.err(value) : value);
}

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'cti-12345' },
    serializers: { err: serializeError, reason: serializeError },
    // Belt and braces: fields that carry a caller's number are masked even if a call site forgets.
    formatters: {
      log(object) {
        for (const key of ['callerNumber', 'caller', 'from', 'number'] as const) {
          const value = object[key];
          if (typeof value === 'string' && PHONE_NUMBER.test(value)) object[key] = maskNumber(value);
        }
        return object;
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
