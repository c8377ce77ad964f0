// @ts-check
import { existsSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// In a learner workspace (made by `pnpm course new`) the stubs leave the
// solutions' imports and helpers unused until the learner writes the task:
// warn about them there instead of failing.
const learnerWorkspace = existsSync(new URL('.course/workspace.json', import.meta.url));

export default tseslint.config(
  { ignores: ['**/node_modules/', '.data/', '**/.tap/', '**/coverage/', '**/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        learnerWorkspace ? 'warn' : 'error',
        // A task's stub throws TaskNotDoneError, so its solution file imports it unused.
        { argsIgnorePattern: '^_', varsIgnorePattern: '^(TaskNotDoneError|_)', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': learnerWorkspace ? 'warn' : 'error',
      'no-unused-private-class-members': learnerWorkspace ? 'warn' : 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  // The /try page's script runs in the browser, not in Node.
  {
    files: ['packages/app/src/try/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: { document: 'readonly', fetch: 'readonly', FormData: 'readonly', URLSearchParams: 'readonly', JSON: 'readonly', location: 'readonly', history: 'readonly' },
    },
  },
);
