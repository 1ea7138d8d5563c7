/**
 * A calendar correction is saved and audited before the live agents re-read the calendar: when that
 * re-read fails, the change still stands, so the admin is told it was made (not a 500 that invites a
 * retry — a retried DELETE would answer 404), and the server logs the failed re-read at error.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { client, login } from '../admin-api/admin-client.js';
import { useHarness } from '../support/harness.js';
import { capturedLog } from '../support/test-logger.js';

const captured = capturedLog('info');
const h = useHarness({}, {}, captured.log);

/** The server's log lines at error since line `from`. */
function errorsSince(from: number): string[] {
  return captured.lines
    .slice(from)
    .map((line) => JSON.parse(line) as { level: number; msg: string })
    .filter((l) => l.level >= 50)
    .map((l) => l.msg);
}

afterEach(() => vi.restoreAllMocks());

describe('a calendar correction whose reload of the live agents fails', () => {
  it('is answered as made, PUT and DELETE alike, and the failed reload is logged at error', async () => {
    const admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
    vi.spyOn(h.server.calls.agents, 'reload').mockRejectedValue(new Error('reload failed'));

    let from = captured.lines.length;
    const put = await admin('PUT', '/api/v1/calendar/2026-06-10', { kind: 'holiday', name: '本市停工' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ date: '2026-06-10', kind: 'holiday', name: '本市停工' });
    expect(errorsSince(from)).toEqual(['calendar changed, but the live agents did not re-read it']);
    expect((await admin<{ date: string }[]>('GET', '/api/v1/calendar')).body.map((d) => d.date)).toContain('2026-06-10');

    from = captured.lines.length;
    expect((await admin('DELETE', '/api/v1/calendar/2026-06-10')).status).toBe(204);
    expect(errorsSince(from)).toEqual(['calendar changed, but the live agents did not re-read it']);
    expect((await admin<{ date: string }[]>('GET', '/api/v1/calendar')).body.map((d) => d.date)).not.toContain('2026-06-10');
  });
});
