// The app catalog of a deployment: published packages (bytes, definition, hash, signature facts) by id and version.
import type Database from 'better-sqlite3';
import { StatementCache, versionKey } from './statement-cache.js';
import type { CatalogMirrorEntry } from '../../../shared/api/changes.js';
import type { AppDefinition } from '../../../shared/domain/app-definition.js';

export interface CatalogRow {
  app_id: string;
  version: string;
  name: string;
  publisher: string;
  sha256: string;
  size: number;
  definition: string;
  signed: number;
  skipped_verification: number;
  signer_key_id: string | null;
  published_at: string;
  published_by: string;
  problems: string;
}

const COLS = 'app_id, version, name, publisher, sha256, size, definition, signed, skipped_verification, signer_key_id, published_at, published_by, problems';

export class CatalogRepository {
  private readonly s: StatementCache;
  constructor(db: Database.Database) {
    this.s = new StatementCache(db);
  }
  insert(row: CatalogRow, pkg: Uint8Array): void {
    this.s
      .stmt(
        `INSERT INTO apps (${COLS}, version_key, package) VALUES (@app_id, @version, @name, @publisher, @sha256, @size, @definition, @signed, @skipped_verification, @signer_key_id, @published_at, @published_by, @problems, @version_key, @package)`,
      )
      .run({ ...row, version_key: versionKey(row.version), package: Buffer.from(pkg) });
  }
  get(appId: string, version: string): CatalogRow | undefined {
    return this.s.stmt(`SELECT ${COLS} FROM apps WHERE app_id = ? AND version = ?`).get(appId.toLowerCase(), version) as CatalogRow | undefined;
  }
  package(appId: string, version: string): Buffer | undefined {
    const r = this.s.stmt('SELECT package FROM apps WHERE app_id = ? AND version = ?').get(appId.toLowerCase(), version) as { package: Buffer } | undefined;
    return r?.package;
  }
  list(): CatalogRow[] {
    return this.s.stmt(`SELECT ${COLS} FROM apps ORDER BY name COLLATE NOCASE, app_id, version_key`).all() as CatalogRow[];
  }
  versions(appId: string): CatalogRow[] {
    return this.s.stmt(`SELECT ${COLS} FROM apps WHERE app_id = ? ORDER BY version_key`).all(appId.toLowerCase()) as CatalogRow[];
  }
  byName(name: string): { app_id: string }[] {
    return this.s.stmt('SELECT DISTINCT app_id FROM apps WHERE name = ? COLLATE NOCASE').all(name) as { app_id: string }[];
  }
  delete(appId: string, version: string): void {
    this.s.stmt('DELETE FROM apps WHERE app_id = ? AND version = ?').run(appId.toLowerCase(), version);
  }
  setProblems(appId: string, version: string, problems: string): void {
    this.s.stmt('UPDATE apps SET problems = ? WHERE app_id = ? AND version = ?').run(problems, appId.toLowerCase(), version);
  }
  count(): number {
    return (this.s.stmt('SELECT COUNT(*) AS n FROM apps').get() as { n: number }).n;
  }
}

/** A catalog row as the change feed mirrors it; `def` (the row's parsed definition) gives the dependencies. */
export function catalogMirrorOfRow(r: CatalogRow, def: AppDefinition | undefined): CatalogMirrorEntry {
  return {
    id: r.app_id,
    name: r.name,
    publisher: r.publisher,
    version: r.version,
    sha256: r.sha256,
    size: r.size,
    signed: r.signed === 1,
    skippedVerification: r.skipped_verification === 1,
    signerKeyId: r.signer_key_id,
    publishedAt: r.published_at,
    publishedBy: r.published_by,
    dependencies: (def?.manifest.dependencies ?? []).map((x) => ({ id: x.id, name: x.name, publisher: x.publisher, version: x.version })),
    problems: JSON.parse(r.problems) as { code: string; message: string }[],
  };
}
