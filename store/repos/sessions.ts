/** Login sessions (see the `sessions` table): opened at login, revoked by logout or an account change. */
import { and, asc, eq, gt, inArray, isNull, ne, sql } from 'drizzle-orm';
import { inChunks } from '../chunks.js';
import { atomically } from '../durability.js';
import { changedRows, first, statement } from '../prepared.js';
import type { Db } from '../db.js';
import { nowIso } from '../clock.js';
import { sessions } from '../schema.js';

export type SessionRow = typeof sessions.$inferSelect;
export type SessionRevokeReason = 'logout' | 'forced-logout' | 'disabled' | 'deleted' | 'role-changed' | 'login-changed' | 'password-reset';

export async function createSession(db: Db, input: Omit<SessionRow, 'createdAt' | 'revokedAt' | 'revokedReason'>): Promise<SessionRow> {
  const createdAt = nowIso(db);
  const rows = await atomically(db, async (tx) =>
    tx
      .insert(sessions)
      .values({ ...input, createdAt })
      .returning(),
  );
  return rows[0]!;
}

export async function findSession(db: Db, id: string): Promise<SessionRow | undefined> {
  return first(await statement(db, 'session-by-id', (d) => d.select().from(sessions).where(eq(sessions.id, sql.placeholder('id')))).execute({ id }));
}

/** Many sessions by id. */
export function findSessions(db: Db, ids: readonly string[]): Promise<SessionRow[]> {
  return inChunks(ids, async (chunk) => db.select().from(sessions).where(inArray(sessions.id, chunk)));
}

/** Revokes one live session; false when it was not live. */
export async function revokeSession(db: Db, id: string, reason: SessionRevokeReason): Promise<boolean> {
  const revokedAt = nowIso(db);
  const result = await atomically(db, async (tx) =>
    tx
      .update(sessions)
      .set({ revokedAt, revokedReason: reason })
      .where(and(eq(sessions.id, id), isNull(sessions.revokedAt))),
  );
  return changedRows(result) === 1;
}

/** Revokes every session of an account that is not revoked yet, but `keep`; the ids revoked. */
export async function revokeAccountSessions(db: Db, agentId: number, reason: SessionRevokeReason, keep?: string): Promise<string[]> {
  const revokedAt = nowIso(db);
  const rows = await atomically(db, async (tx) =>
    tx
      .update(sessions)
      .set({ revokedAt, revokedReason: reason })
      .where(and(eq(sessions.agentId, agentId), isNull(sessions.revokedAt), ...(keep === undefined ? [] : [ne(sessions.id, keep)])))
      .returning({ id: sessions.id }),
  );
  return rows.map((r) => r.id);
}

/** The sessions neither revoked nor expired, oldest first. */
export async function listLiveSessions(db: Db): Promise<SessionRow[]> {
  return db
    .select()
    .from(sessions)
    .where(and(isNull(sessions.revokedAt), gt(sessions.expiresAt, nowIso(db))))
    .orderBy(asc(sessions.createdAt));
}
