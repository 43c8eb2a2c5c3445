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
    // Root tool configs written in CommonJS (jest.config.js), where require() is the module system.
    name: 'genbot/commonjs-config',
    files: ['*.js', '*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { __dirname: 'readonly', __filename: 'readonly', process: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
