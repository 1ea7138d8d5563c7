/**
 * One cell of a CSV the server writes (every CSV goes through this: the KPI export, kpi-csv.ts).
 *
 * The files are made to be opened in Excel or WPS, which run a cell starting with `=`, `+`, `-` or
 * `@` as a formula (and strip a leading tab or carriage return before looking): a hotline, skill or
 * reason name an admin typed as `=HYPERLINK(…)` would become a live link on every supervisor's
 * spreadsheet. Such a text cell is prefixed with `'`, which makes the spreadsheet take it as text
 * (OWASP, "CSV Injection"). Numbers stay numbers: a negative gap (-0.05) is a figure, not a formula.
 */

/** What a text cell must not start with. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * The placeholder for "nobody" (the agent row of unanswered calls): a lone `-` cannot be a
 * formula, and `'-` would show the quote to every reader.
 */
const PLACEHOLDER = '-';

export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = value !== PLACEHOLDER && FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
