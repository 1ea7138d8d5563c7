/**
 * Registered tickets written straight into the database at chosen arrival times, for the early
 * warning's tests: weeks of past tickets in seconds.
 */
import { tickets, type Db } from '../../store/index.js';

export interface TicketShape {
  hotline?: string;
  matterPath?: string;
  streetCode?: string;
  streetName?: string;
}

let serial = 0;

/**
 * A registered ticket that arrived at `at` (epoch ms); resolves to its number. The insert starts at
 * once (on SQLite it is done before this returns); await it so it is done on PostgreSQL as well.
 */
export function registeredTicket(db: Db, at: number, shape: TicketShape): Promise<string> {
  serial++;
  const createdAt = new Date(at).toISOString();
  const number = `9900${String(serial).padStart(6, '0')}`;
  return db
    .insert(tickets)
    .values({
      number,
      callerNumber: `1390000${String(serial).padStart(4, '0')}`,
      dialledNumber: '12345',
      hotline: shape.hotline ?? '12345 政务服务便民热线',
      content: '测试',
      matterPath: shape.matterPath ?? null,
      streetCode: shape.streetCode ?? null,
      streetName: shape.streetName ?? null,
      createdAt,
      updatedAt: createdAt,
      registeredAt: createdAt,
    })
    .then(() => number);
}

export const WATER_IN_JIANWAI: TicketShape = { matterPath: '城乡建设 > 供水 > 停水', streetCode: '110105001', streetName: '建外街道' };
export const BUS_ROUTES: TicketShape = { matterPath: '交通出行 > 公交线路' };

/**
 * Four past weeks at this hour (the hotline busy with ten bus tickets, the street quiet with one)
 * and this hour: the hotline as busy as ever, and `surge` water-supply tickets from one street in
 * the last forty minutes.
 */
export async function surgeScene(db: Db, now: number, surge = 12): Promise<void> {
  const minute = 60_000;
  const week = 7 * 24 * 60 * minute;
  const inserts: Promise<string>[] = [];
  for (let w = 1; w <= 4; w++) {
    for (let i = 0; i < 10; i++) inserts.push(registeredTicket(db, now - w * week - (i + 1) * 5 * minute, BUS_ROUTES));
    inserts.push(registeredTicket(db, now - w * week - 20 * minute, WATER_IN_JIANWAI));
  }
  for (let i = 0; i < 10; i++) inserts.push(registeredTicket(db, now - (i + 1) * 5 * minute, BUS_ROUTES));
  for (let i = 0; i < surge; i++) inserts.push(registeredTicket(db, now - 40 * minute + i * 3 * minute, WATER_IN_JIANWAI));
  await Promise.all(inserts);
}
