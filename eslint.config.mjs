import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/generated/**', '**/.turbo/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-ignore': true, 'ts-expect-error': 'allow-with-description' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Boundaries: code outside a service (another service, a package, scripts, tests) reaches it
    // only through the entries its package.json `exports` lists (`@sentinel/token-service/app`,
    // `…/cli` for scripts/sentinel.ts), never by a relative path into its folders.
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\./|(\\.\\./)+)(services/)?(auth-service|gateway|permission-service|token-service|workspace-service|admin-panel)/(src|test|server)(/|$)',
              message: "Another service's files are private: import an entry of its package.json `exports` (e.g. '@sentinel/token-service/app').",
            },
            {
              regex: '^@sentinel/[a-z-]+/(src|test|server)(/|$)',
              message: "Import a package's entry, not its folders.",
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'ImportExpression[source.value=/^(\\.\\/|(\\.\\.\\/)+)(services\\/)?(auth-service|gateway|permission-service|token-service|workspace-service|admin-panel)\\/(src|test|server)(\\/|$)/]',
          message: "Another service's files are private: import an entry of its package.json `exports`.",
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Response bodies in HTTP tests are untyped JSON (supertest's `any`); assertions check them.
    files: ['**/test/**', '**/*.test.ts', 'packages/testing/src/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    // Scripts and tests may print; services may not.
    files: ['scripts/**', 'bench/**', '**/test/**', '**/*.test.ts', 'packages/db/src/cli.ts'],
    rules: { 'no-console': 'off' },
  },
);
