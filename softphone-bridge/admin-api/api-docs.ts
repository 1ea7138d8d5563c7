/**
 * The API's own description: an OpenAPI document generated from the route schemas
 * (`GET /docs/json`), a browsable Swagger UI at `/docs`, and the catalogue of every route the server
 * registers with the roles it admits (what the role-matrix test and `GET /api/v1/meta/endpoints` walk).
 *
 * Call before the plugins whose routes should be documented: it hooks route registration on the root.
 */
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyBaseLogger, FastifyInstance, FastifySchema, RawServerDefault, RouteOptions } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AgentRole } from '../../store/index.js';

export interface CatalogueEntry {
  method: string;
  url: string;
  /** Declared roles; null for the public login. */
  roles: readonly AgentRole[] | null;
}

/** Every route of the server as registered (HEAD twins of GET routes left out). */
export class RouteCatalogue {
  private readonly routes: CatalogueEntry[] = [];

  add(route: RouteOptions): void {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      this.routes.push({ method, url: route.url, roles: route.config?.roles ?? null });
    }
  }

  entries(prefix = ''): CatalogueEntry[] {
    return this.routes.filter((r) => r.url.startsWith(prefix));
  }
}

const documented = (url: string) => url.startsWith('/api/') || url === '/health';

export async function registerApiDocs<L extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, L>,
): Promise<RouteCatalogue> {
  const catalogue = new RouteCatalogue();
  app.addHook('onRoute', (route) => catalogue.add(route));
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: '12345 CTI 服务器 API',
        description: '坐席登录、工单登记、知识库（检索、推荐、编写、审核发布、CSV 导入、关联工单）与管理接口（热线路由、技能、坐席、专家座席、承办单位、IVR 菜单、黑名单、重复来电策略、审计、漏接回拨）。每个接口说明允许的角色（x-roles）。',
        version: '1',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: ({ schema: declared, url, route }) => {
      // Routes without a schema (static pages) come through as undefined.
      const schema: FastifySchema = { ...declared };
      if (!documented(url)) return { schema: { ...schema, hide: true }, url };
      const roles = route.config?.roles;
      if (!roles) return { schema, url };
      return {
        schema: { ...schema, security: [{ bearerAuth: [] }], 'x-roles': [...roles], description: `${schema.description ?? ''}允许的角色：${roles.join('、')}`.trim() },
        url,
      };
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  return catalogue;
}
