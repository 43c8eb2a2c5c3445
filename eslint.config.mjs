// ESLint 9 flat config. The rule sets are the syntax-only ones (no type information), so
// `npx eslint .` stays fast. `npm run lint` runs `tsc` afterwards, and tsc does the type checks.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/', 'node_modules/', '.data/', 'coverage/'], 'genbot/ignores'),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    name: 'genbot/typescript',
    files: ['**/*.ts'],
    rules: {
      // Nest modules are often empty classes that exist only for their decorator.
      // recommended does not enable this rule; it stays off if someone moves to `strict`.
      '@typescript-eslint/no-extraneous-class': 'off',
      // `_` marks a parameter that a Nest or library signature requires but the body doesn't use.
      // Destructuring a key away (`const { a: _a, ...rest } = o`) is how an object loses a field.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Kept on as recommended sets it: a `require()` needs an eslint-disable comment that gives the reason.
      '@typescript-eslint/no-require-imports': 'error',
    },
  },

  {
    // STYLE.md: repositories are the whole SQL surface. A service that needs a query asks its
    // repository for a named method; a `.query(` / `.createQueryBuilder(` anywhere else is refused.
    name: 'genbot/sql-in-repositories',
    files: ['**/*.ts'],
    ignores: [
      '**/*.repository.ts',
      'migrations/**',
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
      '**/test/**',
      'bench/**',
      // Test helpers: database reset, backdating rows.
      'libs/testing/**',
      // The embedded default creates its database on a server it just started, before any app exists.
      'libs/core/src/embedded/**',
      // The ledger verifier is a set of audit queries over the whole ledger, and its CLI.
      'libs/ledger/src/infrastructure/ledger-verifier.ts',
      'apps/ledger-verify.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name='query']", message: 'SQL lives in *.repository.ts: give the repository a named method.' },
        {
          selector: "CallExpression[callee.property.name='createQueryBuilder']",
          message: 'SQL lives in *.repository.ts: give the repository a named method.',
        },
      ],
    },
  },

  {
    // Node scripts (scripts/*.mjs): ES modules run by node directly.
    name: 'genbot/node-scripts',
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },

  {
    // Root tool configs written in CommonJS (jest.config.js), where require() is the module system.
    name: 'genbot/commonjs-config',
    files: ['*.js', '*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { __dirname: 'readonly', __filename: 'readonly', process: 'readonly', module: 'writable' },
    },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
