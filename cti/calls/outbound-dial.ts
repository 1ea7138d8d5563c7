/**
 * What the PBX rings for a number an agent dials from the desktop (外呼, 拨打 in the 部门通讯录): a
 * sub-centre (分中心) is reached on the dial string the admin set on its route, as transfers and
 * three-way calls reach it (transfer-target.ts) — its route's number is the merged number citizens
 * dial, which the carrier delivers back to this centre. Every other number is dialled on the carrier
 * trunk.
 */
import type { RouteRow } from '../../store/index.js';
import { trunkDial } from './transfer-target.js';

/** `routes`: the routes as the dial reads them (click-to-call has them at hand). */
export function outboundDial(routes: readonly RouteRow[], number: string): string {
  const subcentre = routes.find((r) => r.mode === 'subcentre' && r.enabled && r.number === number && r.subcentreDial);
  return subcentre?.subcentreDial ?? trunkDial(number);
}
