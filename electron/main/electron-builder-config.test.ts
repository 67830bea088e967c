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
});
