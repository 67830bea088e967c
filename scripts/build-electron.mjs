#!/usr/bin/env node
// Bundles the Electron side for packaging and for `npm start` with Electron: the main process and the local
// engine's worker thread (ESM, side by side in dist/electron/main/, as local-driver.ts expects), and the preload
// (CommonJS: sandboxed preloads cannot be ES modules). Dependencies stay external (electron-builder packs them;
// better-sqlite3 is native); our TypeScript is bundled, so the packaged app needs no tsx.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const common = { configFile: false, root, logLevel: 'warn', publicDir: false };

await build({
  ...common,
  build: {
    ssr: true,
    target: 'node20',
    outDir: 'dist/electron/main',
    emptyOutDir: true,
    sourcemap: false,
    rollupOptions: {
      input: { main: 'electron/main/main.ts', 'local-worker': 'electron/backend/drivers/local-worker.ts' },
      external: ['electron'],
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});

await build({
  ...common,
  build: {
    ssr: true,
    target: 'node20',
    outDir: 'dist/electron/preload',
    emptyOutDir: true,
    sourcemap: false,
    rollupOptions: {
      input: { preload: 'electron/preload/preload.ts' },
      external: ['electron'],
      output: { format: 'cjs', entryFileNames: '[name].cjs' },
    },
  },
});

process.stdout.write('built dist/electron/main/{main,local-worker}.js and dist/electron/preload/preload.cjs\n');
