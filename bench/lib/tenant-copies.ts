// Many tenants fast, for benchmarks that need a big deployment but do not measure making it. createTenant builds
// the application's schema in a new file (~10 ms a tenant); here a few template tenants are made that way, with
// extensions installed, then dismounted, and each further tenant is a copy of a template's file with its own tenant
// id written into its $meta, registered through the engine's own mount of a file (copy in, SHA-256, integrity
// check, mount checks, registry, change feed). No engine shortcut: the deployment is what the engine made.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Deployment } from '../../platform/engine/deployment.js';

/**
 * A scratch folder where fsync is cheap (Linux's /dev/shm, a tmpfs), else under `fallback`: the engine syncs
 * every commit, and generating thousands of tenants is not what a benchmark measures.
 */
export function scratchDir(fallback: string, prefix = 'tenantry-bench-'): { dir: string; cleanup(): void } {
  const shm = '/dev/shm';
  const base = process.platform === 'linux' && fs.existsSync(shm) ? shm : fallback;
  const dir = fs.mkdtempSync(path.join(base, prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface TenantTemplate {
  /** a tenant created by the engine, with what the copies should have installed */
  tenantId: string;
}

/**
 * Adds tenants `ids` to `d` as copies of the templates' files, round-robin. The templates are dismounted while
 * their files are copied and mounted again afterwards. `stage` is a folder for the copies before they are mounted.
 */
export function addTenantCopies(d: Deployment, templates: readonly TenantTemplate[], ids: readonly string[], stage: string): void {
  if (templates.length === 0) throw new Error('addTenantCopies: no template tenant');
  fs.mkdirSync(stage, { recursive: true });
  const files: string[] = [];
  for (const t of templates) {
    d.dismount(t.tenantId);
    files.push(d.getTenant(t.tenantId).file);
  }
  try {
    ids.forEach((id, i) => {
      const copy = path.join(stage, `${id}.sqlite`);
      fs.copyFileSync(files[i % files.length]!, copy);
      const db = new Database(copy);
      try {
        // a scratch copy: nothing to protect until the engine has adopted it (it copies it in and checks it)
        db.pragma('synchronous = OFF');
        db.prepare(`UPDATE "$meta" SET value = ? WHERE key = 'tenant_id'`).run(id);
        db.pragma('journal_mode = DELETE');
      } finally {
        db.close();
      }
      d.mount({ file: copy });
      fs.rmSync(copy, { force: true });
    });
  } finally {
    for (const t of templates) d.mount({ tenantId: t.tenantId });
  }
}
