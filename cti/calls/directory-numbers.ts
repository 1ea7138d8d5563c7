/**
 * The numbers of the centre's own directory the dial policy (routing/dial-policy.ts) allows besides
 * citizens' numbers: department contacts, enabled expert seats' outside numbers, enabled sub-centres.
 */
import { listDepartmentContacts, listExpertSeats, listRoutes, type Db } from '../../store/index.js';

export async function directoryNumbers(db: Db): Promise<Set<string>> {
  const routes = await listRoutes(db);
  const contacts = await listDepartmentContacts(db);
  const seats = await listExpertSeats(db);
  return new Set([
    ...contacts.map((c) => c.phone),
    ...seats.flatMap((e) => (e.enabled && e.externalNumber ? [e.externalNumber] : [])),
    ...routes.flatMap((r) => (r.mode === 'subcentre' && r.enabled ? [r.number] : [])),
  ]);
}
