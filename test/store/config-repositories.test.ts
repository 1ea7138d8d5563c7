/**
 * The repositories of configuration (skills, routes, menus, settings, prompts, calendar, directory,
 * blacklist), accounts, sessions, login failures and the audit log, run on SQLite or, with
 * `CTI_TEST_DB=postgres`, on PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import * as s from '../../store/index.js';
import { openTestStore } from '../support/test-database.js';
import { TestClock } from '../support/test-clock.js';

describe('configuration, accounts, sessions and audit on either database', () => {
  it('are written, read, changed and removed, with conflicts reported as such', async () => {
    const store = await openTestStore(new TestClock());
    const db = store.db;
    try {
      const skill = await s.createSkill(db, { code: 'general', name: 'g' });
      await expect(s.createSkill(db, { code: 'general', name: 'g' })).rejects.toMatchObject({ kind: 'conflict' });
      expect((await s.listSkills(db)).length).toBe(1);
      const route = await s.createRoute(db, { number: '12345', name: 'x', mode: 'main', skillId: skill.id });
      expect((await s.findActiveRoute(db, '12345'))?.id).toBe(route.id);
      await s.updateRoute(db, route.id, { name: 'y' });
      expect((await s.findRoute(db, route.id))?.name).toBe('y');
      expect((await s.listRoutesUsing(db, { skillId: skill.id })).length).toBe(1);
      expect((await s.skillUsage(db, skill.id)).routes).toEqual(['12345']);
      const menu = await s.putMenu(db, { code: 'm', name: 'm', definition: { a: 1 } });
      await s.updateMenu(db, menu.id, { code: 'm', name: 'n', definition: { a: 2 } });
      expect((await s.listMenus(db))[0]?.name).toBe('n');
      await s.putSetting(db, 'k', { a: 1 });
      expect(await s.getSetting(db, 'k')).toEqual({ a: 1 });
      await s.putSetting(db, 'k', { a: 2 });
      expect(await s.getSetting(db, 'k')).toEqual({ a: 2 });
      const agent = await s.createAgent(db, { login: '1001', name: 'a', endpoint: 'PJSIP/1001', skills: [{ skillId: skill.id, level: 5 }] });
      await s.createAgent(db, { login: 'admin', name: 'b', role: 'admin' });
      expect(await s.countEnabledAdmins(db)).toBe(1);
      await s.updateAgent(db, agent.id, { name: 'c', skills: [] });
      expect((await s.findAgentWithSkills(db, agent.id))?.skills).toEqual([]);
      expect((await s.findAgents(db, [agent.id])).length).toBe(1);
      expect((await s.listAgents(db)).length).toBe(2);
      await s.createSession(db, { id: 'sess', agentId: agent.id, login: '1001', role: 'agent', address: null, expiresAt: '2099-01-01T00:00:00.000Z' });
      expect((await s.findSession(db, 'sess'))?.login).toBe('1001');
      expect((await s.listLiveSessions(db)).length).toBe(1);
      expect(await s.revokeAccountSessions(db, agent.id, 'logout')).toEqual(['sess']);
      expect(await s.revokeSession(db, 'sess', 'logout')).toBe(false);
      const f = await s.claimLoginAttempt(db, 'x', (n) => (n > 1 ? 1000 : 0));
      expect(f.refused ? null : f.row.failures).toBe(1);
      const g = await s.claimLoginAttempt(db, 'x', (n) => (n > 1 ? 1000_000 : 0));
      expect(g.refused ? null : g.row.failures).toBe(2);
      expect((await s.claimLoginAttempt(db, 'x', () => 0)).refused).toBe(true);
      expect((await s.listLoginLockouts(db)).length).toBe(1);
      expect(await s.clearLoginFailures(db, 'x')).toBe(true);
      await s.writeAudit(db, { actor: 'a', action: 'b', entity: 'c', entityId: 1, after: { z: 1 } });
      expect((await s.queryAudit(db, { limit: 5, entity: 'c' }))[0]?.after).toEqual({ z: 1 });
      await s.putBlacklistEntry(db, { number: '139', reason: 'r', expiresAt: null, createdBy: 'a' });
      expect((await s.findActiveBlock(db, '139', new Date('2026-06-10T02:00:00.000Z')))?.reason).toBe('r');
      const { entry: b } = await s.createBlacklistEntry(db, { number: '138', reason: 'r', expiresAt: '2000-01-01T00:00:00.000Z', createdBy: 'a' });
      expect(await s.findActiveBlock(db, '138', new Date('2026-06-10T02:00:00.000Z'))).toBeUndefined();
      // Expired: a new entry of the number replaces it, in place; one that blocks now is a conflict.
      const again = await s.createBlacklistEntry(db, { number: '138', reason: 'again', expiresAt: null, createdBy: 'a' });
      expect({ id: again.entry.id, replaced: again.replaced?.reason }).toEqual({ id: b.id, replaced: 'r' });
      await expect(s.createBlacklistEntry(db, { number: '138', reason: 'x', expiresAt: null, createdBy: 'a' })).rejects.toMatchObject({ kind: 'conflict' });
      await s.deleteBlacklistEntry(db, b.id);
      // One number, one form: +86/0086, spaces and a mobile's leading 0 dropped; entries written before in another form still match.
      expect(['+86 139 0000 0001', '008613900000001', '8613900000001', '013900000001', '+86 10 8888 6666', '0085291234567', '0086', 'x1'].map(s.citizenNumber)).toEqual([
        '13900000001',
        '13900000001',
        '13900000001',
        '13900000001',
        '01088886666',
        '+85291234567',
        null,
        null,
      ]);
      // 86 before a fixed line's area code (no + nor 00) is the country code; a local number that starts with 86 is not.
      expect(['862312345678', '861088886666', '8657112345678', '86 571 1234567', '86123456', '8612345', '862312345'].map(s.citizenNumber)).toEqual([
        '02312345678',
        '01088886666',
        '057112345678',
        '05711234567',
        '86123456',
        '8612345',
        '862312345',
      ]);
      await db.insert(s.blacklist).values({ number: '+8613900000002', reason: 'old form', createdBy: 'a' });
      expect((await s.findActiveBlock(db, '013900000002', new Date('2026-06-10T02:00:00.000Z')))?.reason).toBe('old form');
      await s.createBlacklistEntry(db, { number: '023-1234 5679', reason: 'fixed line', expiresAt: null, createdBy: 'a' });
      expect((await s.findActiveBlock(db, '862312345679', new Date('2026-06-10T02:00:00.000Z')))?.reason).toBe('fixed line');
      await expect(s.createBlacklistEntry(db, { number: '13900000002', reason: 'x', expiresAt: null, createdBy: 'a' })).rejects.toMatchObject({ kind: 'conflict' });
      await expect(s.createBlacklistEntry(db, { number: 'x1', reason: 'x', expiresAt: null, createdBy: 'a' })).rejects.toMatchObject({ kind: 'invalid' });
      await s.putCalendarDay(db, { date: '2026-10-09', kind: 'holiday', name: 'x', createdBy: 'a' });
      expect((await s.listCalendarDays(db)).length).toBe(1);
      expect(await s.deleteCalendarDay(db, '2026-10-09')).toBe(true);
      const c = await s.createDepartmentContact(db, { unit: 'u', person: 'p', phone: '1' });
      await s.updateDepartmentContact(db, c.id, { person: 'q' });
      const seat = await s.createExpertSeat(db, { name: 'e', department: 'd', externalNumber: '123', skillId: skill.id });
      await s.updateExpertSeat(db, seat.id, { name: 'f' });
      expect((await s.listExpertSeats(db))[0]?.name).toBe('f');
      await s.deleteExpertSeat(db, seat.id);
      await s.addCustomPrompt(db, { id: 'p1', text: 't', createdBy: 'a' });
      await s.markPromptGenerated(db, 'p1');
      expect((await s.listCustomPrompts(db))[0]?.generatedAt).toBeTruthy();
      await s.deleteCustomPrompt(db, 'p1');
      await s.putSetting(db, s.CENTRE_CITY_SETTING, { code: '50' });
      expect(await s.centreCityCode(db)).toBe('50');
      await s.deleteRoute(db, route.id);
      await s.deleteAgent(db, agent.id);
      await s.deleteMenu(db, menu.id);
      await s.deleteSkill(db, skill.id);
    } finally {
      await store.close();
    }
  });
});
