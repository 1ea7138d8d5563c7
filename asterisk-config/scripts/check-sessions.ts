/**
 * Room in Asterisk's HTTP server for the CTI server. Asterisk counts every HTTP session - a REST
 * connection, the CTI server's ARI event socket, a browser softphone's WSS connection - and closes
 * each connection beyond http.conf's `sessionlimit` (100 by default) the moment it arrives, without
 * an answer. An ARI request lost that way is a caller left unanswered, so the server's pool of ARI
 * connections (CTI_ARI_CONNECTIONS) plus its event socket plus the browser phones must fit.
 */
import type { AsteriskFiles } from './asterisk-files.js';
import { lastEntry } from './conf-file.js';
import { error, warning, type Finding } from './findings.js';
import { settingName, type ServerFacts } from './server-facts.js';
import { ARI_DEFAULT_CONNECTIONS } from '../../cti/ari/ari-types.js';

/** Asterisk's DEFAULT_SESSION_LIMIT (main/http.c), used when http.conf sets none or an invalid one. */
export const ASTERISK_SESSION_LIMIT = 100;

/** Sessions left over for an admin's tools (curl, a second ARI client, a restart's overlap). */
export const SPARE_SESSIONS = 5;

export function checkSessions(files: AsteriskFiles, facts: ServerFacts): Finding[] {
  if (!files.http) return [];
  const entry = lastEntry(files.http.sections.find((s) => s.name.toLowerCase() === 'general')?.entries ?? [], 'sessionlimit');
  const value = entry?.value.trim();
  const parsed = value !== undefined && /^\d+$/.test(value) ? Number(value) : 0;
  const findings: Finding[] = [];
  if (entry && parsed < 1) {
    findings.push(warning('http-sessionlimit', `http.conf: sessionlimit = ${entry.value} is not a whole number of 1 or more; Asterisk uses ${ASTERISK_SESSION_LIMIT}`, entry.at));
  }
  const limit = parsed >= 1 ? parsed : ASTERISK_SESSION_LIMIT;
  const connections = facts.config.ari.connections ?? ARI_DEFAULT_CONNECTIONS;
  const connectionsSetting = settingName(facts, 'CTI_ARI_CONNECTIONS');
  const phones = [...(files.pjsip?.endpoints.values() ?? [])].filter((e) => e.webrtc).length;
  const needed = connections + 1 + phones;
  const parts = `${connections} ARI connections (${connectionsSetting}) + 1 event socket${phones ? ` + ${phones} browser softphone(s) (webrtc = yes in pjsip.conf)` : ''} = ${needed}`;
  const setting = entry ? `sessionlimit = ${limit}` : `no sessionlimit (Asterisk's default ${limit})`;
  if (needed > limit) {
    findings.push(
      error(
        'http-sessionlimit',
        `http.conf: ${setting}, but the CTI server needs ${parts} HTTP sessions. Asterisk closes every connection beyond the limit without an answer, and a caller whose request is lost waits unanswered: raise sessionlimit to at least ${needed + SPARE_SESSIONS} or lower ${connectionsSetting}`,
        entry?.at,
      ),
    );
  } else if (needed + SPARE_SESSIONS > limit) {
    findings.push(
      warning(
        'http-sessionlimit',
        `http.conf: ${setting} leaves ${limit - needed} session(s) beside the CTI server's ${parts}: an admin tool or a restart's overlap can push ARI requests past the limit; raise it to at least ${needed + SPARE_SESSIONS}`,
        entry?.at,
      ),
    );
  }
  return findings;
}
