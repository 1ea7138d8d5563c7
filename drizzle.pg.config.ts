import { defineConfig } from 'drizzle-kit';

/** The PostgreSQL migrations, generated from store/schema-pg.ts with `npm run db:generate:pg`. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './store/schema-pg.ts',
  out: './store/migrations-pg',
});
