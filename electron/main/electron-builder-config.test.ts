// The packaging configuration, loaded and validated by electron-builder itself (the same loader `npm run dist`
// uses; packaging proper needs the Electron download, which this machine cannot make), and checked for the
// release fuses, the three platforms, and files that match what scripts/build-electron.mjs produces.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const configFile = path.join(root, 'build/electron-builder.yml');

interface Loaded {
  appId?: string;
  asar?: boolean;
  files?: (string | { filter?: string[] })[];
  extraMetadata?: { main?: string };
  electronFuses?: Record<string, boolean>;
  linux?: { target?: string[] };
  win?: { target?: string[] };
  mac?: { target?: string[]; hardenedRuntime?: boolean };
}

async function load(file = configFile): Promise<Loaded> {
  // app-builder-lib is electron-builder's engine; its config module has no types entry of its own.
  const config = (await import('app-builder-lib/out/util/config/config.js')) as unknown as {
    getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Loaded>;
    validateConfiguration(config: Loaded, logger: unknown): Promise<void>;
  };
  const { DebugLogger } = (await import('builder-util')) as unknown as { DebugLogger: new (enabled: boolean) => unknown };
  const loaded = await config.getConfig(root, file, null);
  await config.validateConfiguration(loaded, new DebugLogger(false));
  return loaded;
}

describe('electron-builder configuration', () => {
  it('passes electron-builder validation', async () => {
    await expect(load()).resolves.toBeDefined();
  });

  it('a broken configuration fails the same validation (so the check above can fail)', async () => {
    const dir = fs.mkdtempSync(path.join(root, 'node_modules/.tenantry-builder-test-'));
    try {
      const bad = path.join(dir, 'bad.yml');
      fs.writeFileSync(bad, fs.readFileSync(configFile, 'utf8').replace('runAsNode: false', 'runAsNode: maybe'));
      await expect(load(bad)).rejects.toThrow(/runAsNode/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sets every release fuse of the security checklist', async () => {
    const c = await load();
    expect(c.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    expect(c.asar).toBe(true);
  });

  it('targets Linux, Windows and macOS', async () => {
    const c = await load();
    expect(c.linux?.target?.length).toBeGreaterThan(0);
    expect(c.win?.target).toContain('nsis');
    expect(c.mac?.target).toContain('dmg');
    expect(c.mac?.hardenedRuntime).toBe(true);
  });

  it('packages the bundled main process and the built renderer that the app loads', async () => {
    const c = await load();
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };
    expect(c.extraMetadata?.main).toBe(pkg.main);
    expect(pkg.main).toBe('dist/electron/main/main.js');
    const files = (c.files ?? []).flatMap((f) => (typeof f === 'string' ? [f] : (f.filter ?? [])));
    expect(files).toEqual(expect.arrayContaining(['dist/electron/**/*', 'renderer/dist/**/*', 'package.json']));
    expect(pkg.scripts['dist']).toContain('--config build/electron-builder.yml');
    const build = fs.readFileSync(path.join(root, 'scripts/build-electron.mjs'), 'utf8');
    expect(build).toContain("outDir: 'dist/electron/main'");
    expect(build).toContain("outDir: 'dist/electron/preload'");
  });

  it('rebuilds the native module for Electron and keeps it outside the asar archive', async () => {
    const c = (await load()) as Loaded & { npmRebuild?: boolean; asarUnpack?: string[] };
    expect(c.npmRebuild).toBe(true);
    expect(c.asarUnpack).toEqual(expect.arrayContaining(['**/node_modules/better-sqlite3/**']));
  });

  it('ships no test code, no source maps, and only the packages the Electron side loads at run time', async () => {
    const c = await load();
    const files = (c.files ?? []).flatMap((f) => (typeof f === 'string' ? [f] : (f.filter ?? [])));
    expect(files).toEqual(expect.arrayContaining(['!**/*.test.*', '!**/*.map']));
    expect(files.some((f) => /^(platform|electron|renderer\/src|shared|e2e|bench)\//.test(f))).toBe(false);
    // electron-builder ships the production dependencies: they must be what main, the preload, the engine worker
    // and the CLI import outside tests. The renderer's packages are bundled into renderer/dist by Vite.
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const used = new Set<string>();
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (e.name !== 'test-support' && e.name !== 'node_modules') walk(p);
        } else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name)) {
          for (const m of fs.readFileSync(p, 'utf8').matchAll(/^\s*(?:import|export)\s[^;]*?from\s*'([^'.][^']*)'|\bimport\(\s*'([^'.][^']*)'\s*\)/gm)) {
            const spec = (m[1] ?? m[2])!;
            if (spec.startsWith('node:')) continue;
            used.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
          }
        }
      }
    };
    for (const dir of ['platform', 'electron', 'shared']) walk(path.join(root, dir));
    used.delete('electron'); // the shell itself, provided by electron-builder
    expect(Object.keys(pkg.dependencies).sort()).toEqual([...used].sort());
  });
});
