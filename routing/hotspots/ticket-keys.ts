/**
 * What a registered ticket is counted under for early warning: its hotline, its classification at
 * the second level (e.g. `城乡建设 > 供水`) and, when deeper, the full path, and its street (乡镇/街道
 * by division code). Each key comes with the words the wallboard shows for it.
 */
export interface TicketFacts {
  hotline: string;
  matterPath: string | null;
  streetCode: string | null;
  streetName: string | null;
}

export interface KeyLabel {
  key: string;
  label: string;
}

/** The separator of a classification path (store/repos/ticket-matters.ts `matterPathText`). */
export const MATTER_SEPARATOR = ' > ';

export function keysOfTicket(ticket: TicketFacts): KeyLabel[] {
  const keys: KeyLabel[] = [{ key: `hotline:${ticket.hotline}`, label: ticket.hotline }];
  const levels = ticket.matterPath ? ticket.matterPath.split(MATTER_SEPARATOR) : [];
  if (levels.length >= 2) {
    const second = levels.slice(0, 2).join(MATTER_SEPARATOR);
    keys.push({ key: `matter:${second}`, label: second });
    if (levels.length > 2) keys.push({ key: `matter:${ticket.matterPath}`, label: ticket.matterPath ?? '' });
  }
  if (ticket.streetCode) keys.push({ key: `area:${ticket.streetCode}`, label: ticket.streetName ?? ticket.streetCode });
  return keys;
}
