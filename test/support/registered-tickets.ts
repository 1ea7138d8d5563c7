/**
 * Registered tickets written straight into the database at chosen arrival times, for the early
 * warning's tests: weeks of past tickets in seconds.
 */
import { createTicketMatter, listTicketMatters, tickets, type Db } from '../../store/index.js';

export interface TicketShape {
  hotline?: string;
  matterPath?: string;
  streetCode?: string;
  streetName?: string;
}

let serial = 0;

/** The 诉求分类 nodes of a path (`城乡建设 > 供水 > 停水`), found or created once per database. */
const matterIds = new WeakMap<Db, Map<string, Promise<number>>>();

/** The id of the node at `path` in the tree, created (with its ancestors) when the tree lacks it. */
export function matterAt(db: Db, path: string): Promise<number> {
  let known = matterIds.get(db);
  if (!known) matterIds.set(db, (known = new Map<string, Promise<number>>()));
  const cached = known.get(path);
  if (cached) return cached;
  const cut = path.lastIndexOf(' > ');
  const name = cut < 0 ? path : path.slice(cut + 3);
  const made = (async () => {
    const parentId = cut < 0 ? null : await matterAt(db, path.slice(0, cut));
    const existing = (await listTicketMatters(db)).find((m) => m.parentId === parentId && m.name === name);
    return existing?.id ?? (await createTicketMatter(db, { parentId, name })).id;
  })();
  known.set(path, made);
  return made;
}

/** A registered ticket that arrived at `at` (epoch ms); resolves to its number once it is written. */
export async function registeredTicket(db: Db, at: number, shape: TicketShape): Promise<string> {
  serial++;
  const createdAt = new Date(at).toISOString();
  const number = `9900${String(serial).padStart(6, '0')}`;
  // As the desk registers it: the 诉求分类 by its node, with the path as it read then.
  const matterId = shape.matterPath ? await matterAt(db, shape.matterPath) : null;
  return db
    .insert(tickets)
    .values({
      number,
      callerNumber: `1390000${String(serial).padStart(4, '0')}`,
      dialledNumber: '12345',
      hotline: shape.hotline ?? '12345 政务服务便民热线',
      content: '测试',
      matterId,
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
