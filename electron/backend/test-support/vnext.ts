// A next version of a demo extension that drops one field (and every control, action and step that names it):
// publishing it makes an upgrade that would lose that field's data. Built with writePackage; tests only.
import path from 'node:path';
import type { AppDefinition } from '../../../shared/domain/app-definition.js';
import { DEMO_EXTENSIONS_DIR } from '../../../platform/demo/demo-sources.js';
import { readSourceFolder, writePackage } from '../../../platform/package/index.js';

/** An object with a property that is exactly `name` (a field, a control bound to it, an action on it). */
const names = (v: unknown, name: string): boolean =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v as Record<string, unknown>).some((x) => x === name);

/** Drops array elements that name `name`, then upgrade/install steps left without actions. */
function without(value: unknown, name: string): unknown {
  if (Array.isArray(value)) return value.filter((v) => !names(v, name)).map((v) => without(v, name));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => {
        const next = without(v, name);
        if ((k === 'upgrade' || k === 'install') && Array.isArray(next))
          return [k, next.filter((s) => Array.isArray((s as { actions?: unknown[] }).actions) && (s as { actions: unknown[] }).actions.length > 0)];
        return [k, next];
      }),
    );
  }
  return value;
}

export function vNextWithoutField(folder: string, version: string, field: string): { def: AppDefinition; bytes: Buffer } {
  const base = readSourceFolder(path.join(DEMO_EXTENSIONS_DIR, folder));
  const def = { ...base, manifest: { ...base.manifest, version }, objects: without(base.objects, field) as AppDefinition['objects'] };
  return { def, bytes: writePackage(def) };
}
