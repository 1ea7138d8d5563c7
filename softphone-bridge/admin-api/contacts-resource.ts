/**
 * Department contacts (承办单位联系人): the directory behind one-click transfer and three-way calls to a
 * handling unit. Transfers read them fresh; nothing else refers to them, so deleting is always allowed.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import {
  createDepartmentContact,
  deleteDepartmentContact,
  findDepartmentContact,
  listDepartmentContacts,
  updateDepartmentContact,
} from '../../store/index.js';
import { FreeText } from '../http/free-text.js';
import { audited } from './audit-trail.js';
import type { ResourceDeps } from './deps.js';
import { errorReplies, notFound } from '../http/error-replies.js';
import { ADMIN, EVERYONE, sessionOf } from '../auth/session-guard.js';
import { IdParams, Nullable, PhoneNumber } from './schemas.js';

const Contact = Type.Object({
  id: Type.Integer(),
  unit: Type.String(),
  person: Type.String(),
  phone: Type.String(),
  note: Nullable(Type.String()),
});
const ContactBody = Type.Object(
  {
    unit: FreeText({ minLength: 1, maxLength: 64, description: '承办单位' }),
    person: FreeText({ minLength: 1, maxLength: 32, description: '联系人' }),
    phone: PhoneNumber,
    /** One line: it shows beside the contact in the transfer lists. */
    note: Type.Optional(Nullable(FreeText({ maxLength: 200, description: '备注（一行）' }))),
  },
  { additionalProperties: false },
);
const ContactPatch = Type.Partial(ContactBody, { additionalProperties: false, minProperties: 1 });

const TAGS = ['承办单位联系人 department contacts'];

export const contactsResource: FastifyPluginAsyncTypebox<ResourceDeps> = (app, { db }) => {
  app.get(
    '/department-contacts',
    { config: { roles: EVERYONE }, schema: { tags: TAGS, summary: '承办单位联系人列表', response: { 200: Type.Array(Contact), ...errorReplies(401, 403) } } },
    async () => await listDepartmentContacts(db),
  );

  app.get(
    '/department-contacts/:id',
    { config: { roles: EVERYONE }, schema: { tags: TAGS, summary: '查看联系人', params: IdParams, response: { 200: Contact, ...errorReplies(400, 401, 403, 404) } } },
    async (request) => {
      const contact = await findDepartmentContact(db, request.params.id);
      if (!contact) throw notFound(`承办单位联系人不存在: ${request.params.id}`);
      return contact;
    },
  );

  app.post(
    '/department-contacts',
    { config: { roles: ADMIN }, schema: { tags: TAGS, summary: '新增联系人', body: ContactBody, response: { 201: Contact, ...errorReplies(400, 401, 403) } } },
    async (request, reply) => {
      const contact = await audited(db, sessionOf(request).login, 'department-contact', 'create', async (tx) => {
        const created = await createDepartmentContact(tx, request.body);
        return { id: created.id, after: created, result: created };
      });
      reply.code(201);
      return contact;
    },
  );

  app.patch(
    '/department-contacts/:id',
    { config: { roles: ADMIN }, schema: { tags: TAGS, summary: '修改联系人', params: IdParams, body: ContactPatch, response: { 200: Contact, ...errorReplies(400, 401, 403, 404) } } },
    async (request) => {
      const before = await findDepartmentContact(db, request.params.id);
      if (!before) throw notFound(`承办单位联系人不存在: ${request.params.id}`);
      return audited(db, sessionOf(request).login, 'department-contact', 'update', async (tx) => {
        const after = await updateDepartmentContact(tx, before.id, request.body);
        return { id: before.id, before, after, result: after };
      });
    },
  );

  app.delete(
    '/department-contacts/:id',
    { config: { roles: ADMIN }, schema: { tags: TAGS, summary: '删除联系人', params: IdParams, response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) } } },
    async (request, reply) => {
      const before = await findDepartmentContact(db, request.params.id);
      if (!before) throw notFound(`承办单位联系人不存在: ${request.params.id}`);
      await audited(db, sessionOf(request).login, 'department-contact', 'delete', async (tx) => {
        await deleteDepartmentContact(tx, before.id);
        return { id: before.id, before, result: null };
      });
      reply.code(204);
      return null;
    },
  );
  return Promise.resolve();
};
