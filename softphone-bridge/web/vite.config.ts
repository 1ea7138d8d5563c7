/**
 * Builds the browser pages (agent desktop, wallboard, reports, admin console) into `dist/public/`, which
 * `static-pages.ts` serves. `npm run build:web` runs it; `npm run dev:web` serves the sources with
 * the API and WebSockets proxied to a server on :8080 (`npm run demo`).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const src = fileURLToPath(new URL('./src/', import.meta.url));
const out = fileURLToPath(new URL('../../dist/public/', import.meta.url));

export default defineConfig({
  root: src,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: out,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    rollupOptions: {
      input: {
        agent: `${src}index.html`,
        wallboard: `${src}wallboard/index.html`,
        reports: `${src}reports/index.html`,
        admin: `${src}admin/index.html`,
        knowledge: `${src}knowledge/index.html`,
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/ws': { target: 'ws://127.0.0.1:8080', ws: true },
      '/docs': 'http://127.0.0.1:8080',
    },
  },
});
