/**
 * Logging for the telephony layers. Caller numbers are personal data (Chongqing art. 22): they go
 * into logs only through `maskNumber`.
 */
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** `13800138000` → `138****8000`; short numbers (12345, extensions) are not personal and stay. */
export function maskNumber(number: string | null | undefined): string {
  if (!number) return '';
  if (number.length <= 6) return number;
  const keepHead = number.length >= 11 ? 3 : 2;
  return `${number.slice(0, keepHead)}${'*'.repeat(number.length - keepHead - 4)}${number.slice(-4)}`;
}

/** A dial string with the numbers in it masked: `PJSIP/13900000001@trunk` → `PJSIP/139******0001@trunk`. */
export function maskDialString(dial: string): string {
  return dial.replace(/\d{7,}/g, (digits) => maskNumber(digits));
}

/** What a personal phone number looks like (7+ digits); state names and short service numbers are not. */
const PHONE_NUMBER = /^\+?\d{7,}$/;

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'cti-12345' },
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
