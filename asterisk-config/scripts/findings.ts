/** What the config check reports: errors (the centre will not work as configured) and warnings. */
export type Level = 'error' | 'warning';

export interface Finding {
  level: Level;
  /** Stable identifier of the kind of problem, e.g. `route-without-did`. */
  code: string;
  message: string;
  /** Where in the Asterisk files, when it is about a line: `extensions.conf:42`. */
  at?: string;
}

export const error = (code: string, message: string, at?: string): Finding => ({ level: 'error', code, message, ...(at ? { at } : {}) });
export const warning = (code: string, message: string, at?: string): Finding => ({ level: 'warning', code, message, ...(at ? { at } : {}) });
