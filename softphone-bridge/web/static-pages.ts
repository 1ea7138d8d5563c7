/**
 * Serves the built browser pages (`npm run build:web` → `dist/public/`): the agent desktop at `/`,
 * the supervisor wallboard at `/wallboard`, the reports page at `/reports`, the admin console at
 * `/admin`, the knowledge base's editing and review page at `/knowledge`, and their hashed assets.
 * The pages talk to the server only through the HTTP API and the WebSockets, like any other client.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StaticPagesOptions {
  /** The folder holding the built pages; default: `dist/public` of this checkout. */
  root?: string | undefined;
}

/** Page path → its HTML file inside the build. */
const PAGES: Record<string, string> = {
  '/': 'index.html',
  '/wallboard': 'wallboard/index.html',
  '/reports': 'reports/index.html',
  '/admin': 'admin/index.html',
  '/knowledge': 'knowledge/index.html',
};

/**
 * Where the build is: beside the compiled server (`dist/softphone-bridge/web/` → `dist/public`), or,
 * when the sources run directly (tests), under the checkout's `dist/public`.
 */
export function defaultPagesRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../../public'), resolve(here, '../../dist/public')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[candidates.length - 1]!;
}

export const staticPages: FastifyPluginAsync<StaticPagesOptions> = async (app, options) => {
  const root = options.root ?? defaultPagesRoot();
  if (!existsSync(join(root, 'index.html'))) {
    // The server still runs (API, WebSockets); the pages say how to get them.
    for (const path of Object.keys(PAGES)) {
      app.get(path, (_request, reply) =>
        reply.code(503).type('text/plain; charset=utf-8').send('页面尚未构建：请先运行 npm run build (pages not built: run npm run build)'),
      );
    }
    app.log.warn({ root }, 'browser pages not built; run npm run build');
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    index: ['index.html'],
    // Another static plugin (the API docs) may decorate the reply too.
    decorateReply: false,
    setHeaders(reply, path) {
      // Built assets carry a content hash in their names; the HTML must always be fetched fresh.
      void reply.header('cache-control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
    },
  });
  for (const [path, file] of Object.entries(PAGES)) {
    if (path === '/') continue;
    app.get(path, (_request, reply) => {
      void reply.header('cache-control', 'no-cache');
      return reply.type('text/html; charset=utf-8').send(readFileSync(join(root, file)));
    });
  }
};
