// Lint: the import boundaries of architecture.md as allow-lists (where code runs decides what it may import:
// scripts/eslint-allowed-imports.mjs), type-aware checks of promises, and the rules of React hooks in renderer/.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';
import { allowedImportsRule } from './scripts/eslint-allowed-imports.mjs';

const root = path.dirname(fileURLToPath(import.meta.url));
const TEST = ['vitest'];

/**
 * What each folder may import: other folders of this repository, packages, and whether Node's built-ins.
 * Tests (`*.test.ts`, `test-support/`) may also use `testFolders` / `testPackages`.
 */
export const folders = {
  shared: { folders: [], packages: ['zod'], node: false, why: 'shared/ is pure TypeScript (it runs in the renderer too)', testPackages: TEST },
  'platform/package': { folders: ['shared'], packages: ['zod', 'jszip', 'fast-xml-parser'], node: true, testPackages: TEST },
  'platform/engine': { folders: ['shared', 'platform/package'], packages: ['better-sqlite3', 'zod', 'pino'], node: true, testPackages: TEST },
  'platform/server': {
    folders: ['shared', 'platform/engine', 'platform/package'],
    packages: ['fastify', 'pino'],
    node: true,
    testFolders: ['platform/remote'],
    testPackages: TEST,
  },
  'platform/remote': { folders: ['shared', 'platform/engine'], packages: ['eventsource-parser'], node: true, testPackages: TEST },
  'platform/demo': { folders: ['shared', 'platform/engine', 'platform/package'], packages: [], node: true, testPackages: TEST },
  'platform/cli': {
    folders: ['shared', 'platform/engine', 'platform/package', 'platform/server', 'platform/remote', 'platform/demo'],
    packages: ['commander', 'pino'],
    node: true,
    testPackages: [...TEST, 'fastify'],
  },
  'electron/backend': {
    folders: ['shared', 'platform/engine', 'platform/package', 'platform/remote'],
    packages: ['better-sqlite3', 'pino', 'pino-roll'],
    node: true,
    testFolders: ['platform/demo', 'platform/server'],
    testPackages: [...TEST, 'fastify'],
  },
  'electron/web': { folders: ['shared', 'electron/backend'], packages: ['fastify', 'pino'], node: true, testFolders: ['platform/demo'], testPackages: TEST },
  'electron/main': {
    folders: ['shared', 'electron/backend', 'electron/web'],
    packages: ['electron'],
    node: true,
    testFolders: ['platform/demo'],
    testPackages: [...TEST, 'app-builder-lib', 'builder-util'],
  },
  // The preload runs sandboxed: Electron's renderer-side API and the shared contract, nothing else.
  'electron/preload': { folders: ['shared'], packages: ['electron'], node: false, why: 'a sandboxed preload has no Node built-ins' },
  'renderer/src': {
    folders: ['shared'],
    packages: ['react', 'react-dom', 'zustand', '@tanstack/react-virtual', '@radix-ui/react-dialog', 'cmdk', 'eventsource-parser'],
    node: false,
    why: 'renderer/ runs in the browser and talks to the console only through src/lib/api.ts',
    testPackages: TEST,
  },
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '.tsbuild/**',
      'renderer/dist/**',
      'e2e/output/**',
      'bench/results/**',
      'test-results/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: { allowDefaultProject: ['vitest.config.ts'] }, tsconfigRootDir: root } },
    plugins: { '@typescript-eslint': tseslint.plugin, local: { rules: { 'allowed-imports': allowedImportsRule } } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-debugger': 'error',
      'local/allowed-imports': ['error', { root, folders }],
      // Type-aware: a promise is awaited, returned or explicitly voided; never passed where a plain callback goes.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
);
