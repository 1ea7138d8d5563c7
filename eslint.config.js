// Type-aware lint: a floating promise in call handling is a dropped call, so those rules are errors.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'store/migrations/**', 'store/migrations-pg/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': 'off',
    },
  },
  {
    // Repositories run on SQLite and PostgreSQL: a query is awaited, never executed with SQLite's
    // synchronous .get()/.all()/.run()/.values(), which PostgreSQL's handle does not have (store/README.md).
    files: ['store/**/*.ts'],
    ignores: ['store/backup.ts', 'store/db.ts', 'store/durability.ts', 'store/prepared.ts', 'store/knowledge/search-sqlite.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name=/^(get|all|run|values)$/][arguments.length=0]",
          message: 'SQLite only: await the query instead (store/README.md)',
        },
        {
          selector: "CallExpression[callee.property.name=/^(get|all|run)$/] > :matches(ObjectExpression, TaggedTemplateExpression).arguments",
          message: 'SQLite only: use statement(…).execute() or rawRows() (store/README.md)',
        },
      ],
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
