/**
 * manager.conf `eventfilter` (the legacy form, one regular expression per line, as documented in
 * Asterisk's manager.conf.sample): each expression is searched for (unanchored) in the whole event
 * text, `Event: …` line included. One starting with `!` is a black filter, any other a white filter.
 * - no filters: every event the session may read is sent;
 * - white filters only: an event is sent when one matches;
 * - black filters only: an event is sent unless one matches;
 * - both: sent when a white filter matches and no black filter does.
 * No recording shows filters at work (the lab configuration has none): this follows the sample's text.
 * Asterisk compiles them as POSIX extended expressions; JavaScript's syntax covers the simple ones used.
 */
export type EventFilter = (eventText: string) => boolean;

export function compileEventFilter(lines: readonly string[]): EventFilter | null {
  if (lines.length === 0) return null;
  const white: RegExp[] = [];
  const black: RegExp[] = [];
  for (const line of lines) {
    if (line.startsWith('!')) black.push(new RegExp(line.slice(1)));
    else white.push(new RegExp(line));
  }
  return (text) => (white.length === 0 || white.some((r) => r.test(text))) && !black.some((r) => r.test(text));
}
