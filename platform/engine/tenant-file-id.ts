// Reads which tenant a tenant database file holds, without adopting it (the CLI uploads a file to a server under
// that id). Read-only: the file is not changed.
import Database from 'better-sqlite3';
import { TenantryError } from '../../shared/api/errors.js';
import { TENANT_ID_PATTERN } from '../../shared/api/operations.js';

export function tenantIdOfFile(file: string): string {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const row = db.prepare('SELECT value FROM "$meta" WHERE key = ?').get('tenant_id') as { value: string } | undefined;
    const id = row?.value.toLowerCase();
    if (id === undefined || !TENANT_ID_PATTERN.test(id)) throw new Error('no tenant id');
    return id;
  } catch (e) {
    if (e instanceof TenantryError) throw e;
    throw new TenantryError('DEPLOYMENT_INVALID', `${file} is not a Tenantry tenant database (${(e as Error).message})`, { file });
  } finally {
    db?.close();
  }
}
