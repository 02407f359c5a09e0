import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import prettier from 'eslint-config-prettier/flat';

import mastodash from './scripts/eslint/visible-literals.mjs';

// Next's rules (react, react-hooks, jsx-a11y, import) and typescript-eslint's recommended set, with
// Prettier owning the layout. max-len comes back after eslint-config-prettier turns it off: Prettier
// wraps code, but not comments or strings, and every line of product code stays within 120 columns.
export default defineConfig([
  ...nextVitals,
  ...nextTs,
  prettier,
  {
    // The memory probe is a CommonJS preload (node --require) for the benchmarks.
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      'max-len': ['error', { code: 120, ignoreUrls: true, ignorePattern: '^import |^export .* from ' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // A Text (lib/i18n/text.ts) or an ErrorView's words inside a template or a `+` would print "[object Object]";
    // only plain values may be interpolated. These two rules need the types, so they run with the project.
    files: ['app/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}', 'lib/**/*.ts', 'server/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: true, allowRegExp: true, allowAny: false },
      ],
      '@typescript-eslint/restrict-plus-operands': 'error',
    },
  },
  {
    // Every word a page shows comes from the message catalog (issue 20: English and German).
    files: ['app/**/*.tsx', 'components/**/*.tsx'],
    plugins: { mastodash },
    rules: { 'mastodash/no-visible-literal': 'error' },
  },
  {
    // A test's name is a sentence that reads as the report line, and fixtures quote whole files: in tests a
    // string may run long. Code and comments there keep the limit.
    files: ['test/**', 'e2e/**', 'bench/**'],
    rules: {
      'max-len': [
        'error',
        {
          code: 120,
          ignoreUrls: true,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignorePattern: '^import |^export .* from ',
        },
      ],
    },
  },
  globalIgnores([
    'node_modules/**',
    '.next/**',
    'dist/**',
    'data/**',
    'test-results/**',
    'playwright-report/**',
    'e2e/artifacts/**',
    'bench/.out/**',
    'next-env.d.ts',
  ]),
]);
