// The demo extension sources are valid packages that compile against the default application and their
// dependencies, and they have the features the demo relies on (chains, two versions, a conflicting pair).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareVersions, compileApp, dependencyOrder, findConflicts, type AppDefinition } from '../../shared/domain/index.js';
import { DEFAULT_APPLICATION } from '../engine/default-application.js';
import { packSourceFolder, readPackage } from '../package/index.js';
import { DEMO_EXTENSIONS_DIR, demoExtensionFolders } from './demo-sources.js';

async function loadAll(): Promise<{ folder: string; def: AppDefinition }[]> {
  const out: { folder: string; def: AppDefinition }[] = [];
  for (const folder of demoExtensionFolders()) {
    const { bytes } = await packSourceFolder(path.join(DEMO_EXTENSIONS_DIR, folder));
    out.push({ folder, def: readPackage(bytes, { verify: 'skip' }, folder).definition });
  }
  return out;
}

describe('demo extensions', () => {
  it('are about ten source folders named <name>-<version>', () => {
    const folders = demoExtensionFolders();
    expect(folders.length).toBeGreaterThanOrEqual(10);
    for (const f of folders) {
      const manifest = JSON.parse(fs.readFileSync(path.join(DEMO_EXTENSIONS_DIR, f, 'app.json'), 'utf8')) as { version: string };
      expect(f.endsWith(`-${manifest.version}`), f).toBe(true);
    }
  });

  it('pack and read back, and compile against the application and their dependencies', async () => {
    const all = await loadAll();
    const published: AppDefinition[] = [];
    // publish in dependency order, lower versions first, as the demo does
    const apps = dependencyOrder(
      all
        .filter((a, i) => all.findIndex((b) => b.def.manifest.id === a.def.manifest.id) === i)
        .map((a) => ({ id: a.def.manifest.id, name: a.def.manifest.name, dependencies: a.def.manifest.dependencies })),
    );
    const sequence = apps.flatMap((app) =>
      all.filter((a) => a.def.manifest.id === app.id).sort((x, y) => compareVersions(x.def.manifest.version, y.def.manifest.version)),
    );
    expect(sequence).toHaveLength(all.length);
    for (const { folder, def } of sequence) {
      const problems = compileApp(def, DEFAULT_APPLICATION, published);
      expect(problems, folder).toEqual([]);
      published.push(def);
    }
  });

  it('have dependency chains, two versions of some, upgrade steps, subscribers and table data', async () => {
    const all = (await loadAll()).map((a) => a.def);
    const named = (name: string) => all.filter((d) => d.manifest.name === name);
    expect(
      named('Contoso Loyalty')
        .map((d) => d.manifest.version)
        .sort(),
    ).toEqual(['1.0.0.0', '2.0.0.0']);
    expect(named('Fabrikam Shipping').length).toBe(2);
    expect(named('Contoso Loyalty Reports')[0]!.manifest.dependencies.map((d) => d.name)).toEqual(['Contoso Loyalty']);
    expect(named('Contoso Loyalty')[0]!.manifest.dependencies.map((d) => d.name)).toEqual(['Contoso Core']);
    expect(named('Fabrikam Shipping')[0]!.manifest.dependencies.map((d) => d.name)).toEqual(['Contoso Core']);
    const v2 = named('Contoso Loyalty').find((d) => d.manifest.version === '2.0.0.0')!;
    const steps = v2.objects.flatMap((o) => (o.type === 'codeunit' ? o.upgrade : [])).flatMap((s) => s.actions.map((a) => a.op));
    expect(new Set(steps)).toEqual(new Set(['copyField', 'setValue', 'renameField']));
    const types = new Set(all.flatMap((d) => d.objects.map((o) => o.type)));
    expect(types).toEqual(new Set(['table', 'tableextension', 'page', 'pageextension', 'enum', 'enumextension', 'permissionset', 'codeunit']));
    expect(
      all.some((d) => d.objects.some((o) => o.type === 'codeunit' && o.subscribers.some((s) => s.event === 'record.inserted' && s.table === 'Customer'))),
    ).toBe(true);
    expect(all.some((d) => d.objects.some((o) => o.type === 'codeunit' && o.install.length > 0))).toBe(true);
    expect(all.filter((d) => d.tableData.length > 0).length).toBeGreaterThanOrEqual(5);
    const publishers = new Set(all.map((d) => d.manifest.publisher));
    expect(publishers.size).toBeGreaterThanOrEqual(5);
  });

  it('keep ids in 50000-99999, each extension in its own ranges', async () => {
    const all = (await loadAll()).map((a) => a.def);
    const rangesById = new Map<string, string>();
    for (const d of all) {
      for (const r of d.manifest.idRanges) {
        expect(r.from).toBeGreaterThanOrEqual(50000);
        expect(r.to).toBeLessThanOrEqual(99999);
      }
      const key = JSON.stringify(d.manifest.idRanges);
      const owner = rangesById.get(key);
      expect(owner === undefined || owner === d.manifest.id, d.manifest.name).toBe(true);
      rangesById.set(key, d.manifest.id);
    }
  });

  it('include one pair that conflicts (both add "Loyalty Points" to Customer)', async () => {
    const all = (await loadAll()).map((a) => a.def);
    const loyalty = all.find((d) => d.manifest.name === 'Contoso Loyalty' && d.manifest.version === '1.0.0.0')!;
    const core = all.find((d) => d.manifest.name === 'Contoso Core')!;
    const litware = all.find((d) => d.manifest.name === 'Litware Customer Insights')!;
    const conflicts = findConflicts(litware, [core, loyalty], DEFAULT_APPLICATION);
    expect(conflicts.length).toBeGreaterThan(0);
    expect(conflicts.map((c) => c.message).join('\n')).toMatch(/Loyalty Points/);
    // and the others install side by side without conflicts
    const others = all.filter(
      (d) =>
        d !== litware &&
        !(d.manifest.name === 'Contoso Loyalty' && d.manifest.version === '2.0.0.0') &&
        !(d.manifest.name === 'Fabrikam Shipping' && d.manifest.version === '1.1.0.0'),
    );
    for (const d of others) {
      const rest = others.filter((o) => o !== d);
      expect(
        findConflicts(d, rest, DEFAULT_APPLICATION).map((c) => c.message),
        d.manifest.name,
      ).toEqual([]);
    }
  });
});
