// Lint: the import boundaries of architecture.md. Where code runs decides what it may import.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net', 'zlib', 'stream', 'worker_threads', 'url', 'util', 'events'];
const pattern = (group, message) => ({ group, message });

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.tsbuild/**', 'renderer/dist/**', 'e2e/output/**', 'bench/results/**', 'test-results/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-debugger': 'error',
    },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        pattern(nodeBuiltins, 'shared/ is pure TypeScript: no Node built-ins.'),
        pattern(['**/platform/**', '**/electron/**', '**/renderer/**'], 'shared/ imports only shared/ and zod.'),
        pattern(['better-sqlite3', 'react', 'react-dom', 'electron', 'fastify', 'jszip'], 'shared/ imports only shared/ and zod.'),
      ] }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        pattern(nodeBuiltins, 'renderer/ runs in the browser: no Node built-ins.'),
        pattern(['**/platform/**', '**/electron/**'], 'renderer/ talks to the console only through src/lib/api.ts and the shared contract.'),
        pattern(['better-sqlite3', 'electron', 'fastify'], 'renderer/ runs in the browser.'),
      ] }],
    },
  },
  {
    files: ['platform/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        pattern(['**/electron/**', '**/renderer/**'], 'platform/ does not know the console.'),
        pattern(['electron', 'react', 'react-dom'], 'platform/ does not know the console.'),
      ] }],
    },
  },
  {
    files: ['platform/package/**/*.ts', 'platform/server/**/*.ts', 'platform/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        pattern(['**/electron/**', '**/renderer/**'], 'platform/ does not know the console.'),
        pattern(['electron', 'react', 'react-dom'], 'platform/ does not know the console.'),
        pattern(['better-sqlite3'], 'better-sqlite3 is used only inside platform/engine and electron/backend.'),
      ] }],
    },
  },
  {
    files: ['electron/backend/**/*.ts', 'electron/web/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        pattern(['electron'], 'electron/backend and electron/web run without Electron (no electron import).'),
        pattern(['**/renderer/**'], 'the backend does not import the renderer.'),
      ] }],
    },
  },
  {
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        pattern(['**/renderer/**'], 'main and preload do not import the renderer.'),
        pattern(['better-sqlite3'], 'better-sqlite3 is used only inside platform/engine and electron/backend.'),
      ] }],
    },
  },
);
