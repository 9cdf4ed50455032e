// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const frameworks = ['@playwright/test', 'playwright', 'jest', '@jest/*', 'mocha', 'vitest', 'vitest/*'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.tmp/**', '**/.qase/**', '**/qase-dry-run/**', '**/build/qase-report/**', 'examples/**/test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Plain JavaScript as users write it (the examples) or npm runs it (bin entry points): globals and require().
    files: ['examples/**/*.{js,cjs,mjs}', 'packages/*/bin/*.js'],
    languageOptions: { globals: { describe: 'readonly', it: 'readonly', test: 'readonly', expect: 'readonly', jest: 'readonly', before: 'readonly', after: 'readonly', beforeEach: 'readonly', afterEach: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Core is framework-neutral: adapters turn framework objects into TestResult before core sees them.
    files: ['packages/core/src/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: frameworks, message: 'packages/core must not import a test framework; map framework objects in the adapter.' }],
      }],
    },
  },
);
