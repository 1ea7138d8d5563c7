/** Login sessions (see the `sessions` table): opened at login, revoked by logout or an account change. */
import { and, asc, eq, gt, inArray, isNull, ne, sql } from 'drizzle-orm';
import { byChunks } from '../chunks.js';
import { prepared } from '../prepared.js';
import type { Db } from '../db.js';
import { nowIso } from '../clock.js';
import { sessions } from '../schema.js';

export type SessionRow = typeof sessions.$inferSelect;
export type SessionRevokeReason = 'logout' | 'disabled' | 'deleted' | 'role-changed' | 'login-changed' | 'password-reset';

export function createSession(db: Db, input: Omit<SessionRow, 'createdAt' | 'revokedAt' | 'revokedReason'>): SessionRow {
  return db
    .insert(sessions)
    .values({ ...input, createdAt: nowIso(db) })
    .returning()
    .get();
}

export function findSession(db: Db, id: string): SessionRow | undefined {
  return prepared(db, 'session-by-id', (d) => d.select().from(sessions).where(eq(sessions.id, sql.placeholder('id'))).prepare()).get({ id });
}

/** Many sessions by id. */
export function findSessions(db: Db, ids: readonly string[]): SessionRow[] {
  return byChunks(ids, (chunk) => db.select().from(sessions).where(inArray(sessions.id, chunk)).all());
}

/** Revokes one live session; false when it was not live. */
export function revokeSession(db: Db, id: string, reason: SessionRevokeReason): boolean {
  return (
    db
      .update(sessions)
      .set({ revokedAt: nowIso(db), revokedReason: reason })
      .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)))
      .run().changes === 1
  );
}

/** Revokes every session of an account that is not revoked yet, but `keep`; the ids revoked. */
export function revokeAccountSessions(db: Db, agentId: number, reason: SessionRevokeReason, keep?: string): string[] {
  return db
    .update(sessions)
    .set({ revokedAt: nowIso(db), revokedReason: reason })
    .where(and(eq(sessions.agentId, agentId), isNull(sessions.revokedAt), ...(keep === undefined ? [] : [ne(sessions.id, keep)])))
    .returning({ id: sessions.id })
    .all()
    .map((r) => r.id);
}

/** The sessions neither revoked nor expired, oldest first. */
export function listLiveSessions(db: Db): SessionRow[] {
  return db
    .select()
    .from(sessions)
    .where(and(isNull(sessions.revokedAt), gt(sessions.expiresAt, nowIso(db))))
    .orderBy(asc(sessions.createdAt))
    .all();
}
