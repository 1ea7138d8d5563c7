/**
 * What a registered ticket is counted under for early warning: its hotline, its classification at
 * the second level (e.g. `城乡建设 > 供水`) and, when deeper, the full path, and its street (乡镇/街道
 * by division code). Each key comes with the words the wallboard shows for it.
 *
 * Keys name what stays the same when an admin edits the configuration: the hotline by its route's id
 * (a renamed hotline is the same hotline; the name it kept on the ticket only when its route is gone),
 * the classification by the ids of its nodes in the tree as it is now (a renamed or moved 诉求分类 is
 * counted where it is now, past tickets included). Labels are today's names.
 */
export interface MatterNode {
  id: number;
  name: string;
}

export interface TicketFacts {
  /** The route that served the ticket; null when it is gone. */
  routeId: number | null;
  /** The hotline's name: its route's name now, else the name the ticket kept. */
  hotline: string;
  /** The ticket's 诉求分类 and its ancestors in today's tree, root first (empty without one). */
  matterLine: readonly MatterNode[];
  streetCode: string | null;
  streetName: string | null;
}

export interface KeyLabel {
  key: string;
  label: string;
  /** A classification key's level in the tree (2 for 大类 > 小类). */
  depth?: number;
}

/** The separator of a classification path (store/repos/ticket-matters.ts `matterPathText`). */
export const MATTER_SEPARATOR = ' > ';

const pathOf = (line: readonly MatterNode[]): string => line.map((n) => n.name).join(MATTER_SEPARATOR);

export function keysOfTicket(ticket: TicketFacts): KeyLabel[] {
  const hotline = ticket.routeId === null ? `hotline:${ticket.hotline}` : `route:${ticket.routeId}`;
  const keys: KeyLabel[] = [{ key: hotline, label: ticket.hotline }];
  const line = ticket.matterLine;
  if (line.length >= 2) {
    keys.push({ key: `matter:${line[1]!.id}`, label: pathOf(line.slice(0, 2)), depth: 2 });
    if (line.length > 2) keys.push({ key: `matter:${line[line.length - 1]!.id}`, label: pathOf(line), depth: line.length });
  }
  if (ticket.streetCode) keys.push({ key: `area:${ticket.streetCode}`, label: ticket.streetName ?? ticket.streetCode });
  return keys;
}
