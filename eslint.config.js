// ESLint for the whole repository: the recommended JavaScript and typescript-eslint rules (without type-aware
// rules, which would make a run several times slower), the house line limit, and the rooms of docs/architecture.md
// as import rules, so that an arrow pointing the wrong way fails `npm run lint` instead of waiting for a review.
// Formatting belongs to Prettier (.prettierrc.json); no rule here argues with it.
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

// Node's globals for the plain JavaScript files (bin/, scripts/, this file); the TypeScript files get theirs from
// @types/node through the compiler, so `no-undef` is off for them as typescript-eslint advises.
const nodeGlobals = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'URLSearchParams',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'structuredClone',
    'AbortController',
    'AbortSignal',
    'fetch',
    'TextEncoder',
    'TextDecoder',
  ].map((name) => [name, 'readonly']),
);

// The rooms below are folders of this repository, whatever directory eslint is started from.
const repoRoot = fileURLToPath(new URL('.', import.meta.url));

// The libraries src/domain may import: pure code without I/O. Everything else is refused there: node:fs, net,
// http and child_process, better-sqlite3, pino, undici, @slack/*, @kubernetes/* and any package not named here.
const DOMAIN_PACKAGES = ['zod'];
const domainOnly = `src/domain is pure (no I/O, no clock): it imports only domain files and ${DOMAIN_PACKAGES}`;

export default defineConfig(
  {
    // What .gitignore keeps out of the repository (ESLint does not read it).
    ignores: ['node_modules/**', 'coverage/**', 'data/**', 'dist/**'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.json'] })],
    },
    rules: {
      // The house limit. Prettier (checked by `npm run lint`) wraps code at 120; `npm run format` also splits long
      // string literals at word boundaries (scripts/split-long-strings.ts) and rewraps comments
      // (scripts/rewrap-comments.ts). URLs and regular expression literals are let through.
      'max-len': [
        'error',
        {
          code: 120,
          tabWidth: 2,
          ignoreUrls: true,
          ignoreRegExpLiterals: true,
          ignorePattern: '^\\s*// eslint-',
        },
      ],
      // `_`-prefixed names are the codebase's way to say "received but deliberately unused".
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // Runtime import cycles in src: a module evaluated before its dependency finished evaluating sees `undefined`
    // bindings. Type-only imports vanish at run time and are not counted.
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: repoRoot,
          zones: [
            {
              target: './src/domain',
              from: './src',
              except: ['./domain'],
              message: domainOnly,
            },
            {
              target: './src/services',
              from: './src/adapters',
              message: 'services reach adapters only through the ports they declare (src/services/ports.ts)',
            },
            {
              target: './src/store',
              from: './src/services',
              message: 'store imports domain types only; services use the store, never the other way round',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // Every bare package name but the allowed ones; relative paths are import-x/no-restricted-paths' job.
              regex: `^(?!\\.|(${DOMAIN_PACKAGES.join('|')})(/|$))`,
              message: domainOnly,
            },
          ],
        },
      ],
    },
  },
);
