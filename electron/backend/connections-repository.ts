// Connections persisted in the console database. The token never leaves this module in clear except to a driver.
import { randomUUID } from 'node:crypto';
import type { Connection, ConnectionDraft } from '../../shared/api/console.js';
import { TenantryError } from '../../shared/api/errors.js';
import type { Db } from './db.js';
import type { SecretBox } from './secret-box.js';

interface Row {
  id: string;
  name: string;
  kind: 'local' | 'remote';
  folder: string | null;
  url: string | null;
  token_sealed: Buffer | null;
  allow_insecure: number;
  created_at: string;
  updated_at: string;
}

export interface ConnectionChanges {
  name?: string;
  folder?: string;
  url?: string;
  token?: string;
  allowInsecure?: boolean;
}

const toConnection = (r: Row): Connection => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  ...(r.folder !== null ? { folder: r.folder } : {}),
  ...(r.url !== null ? { url: r.url } : {}),
  hasToken: r.token_sealed !== null,
  allowInsecure: r.allow_insecure === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class ConnectionsRepository {
  private readonly stmts;

  constructor(
    db: Db,
    private readonly secrets: SecretBox,
  ) {
    this.stmts = {
      list: db.prepare<[], Row>('SELECT * FROM connections ORDER BY name COLLATE NOCASE'),
      get: db.prepare<[string], Row>('SELECT * FROM connections WHERE id = ?'),
      byName: db.prepare<[string], Row>('SELECT * FROM connections WHERE name = ? COLLATE NOCASE'),
      insert: db.prepare(
        `INSERT INTO connections (id, name, kind, folder, url, token_sealed, allow_insecure, created_at, updated_at)
         VALUES (@id, @name, @kind, @folder, @url, @token_sealed, @allow_insecure, @created_at, @updated_at)`,
      ),
      update: db.prepare(
        `UPDATE connections SET name = @name, folder = @folder, url = @url, token_sealed = @token_sealed,
         allow_insecure = @allow_insecure, updated_at = @updated_at WHERE id = @id`,
      ),
      remove: db.prepare<[string]>('DELETE FROM connections WHERE id = ?'),
    };
  }

  list(): Connection[] {
    return this.stmts.list.all().map(toConnection);
  }

  get(id: string): Connection {
    return toConnection(this.row(id));
  }

  /** The token in clear, for a driver. */
  token(id: string): string | undefined {
    const r = this.row(id);
    return r.token_sealed === null ? undefined : this.secrets.open(r.token_sealed);
  }

  add(draft: ConnectionDraft, now = new Date().toISOString()): Connection {
    this.assertNameFree(draft.name);
    const row: Row = {
      id: randomUUID(),
      name: draft.name,
      kind: draft.kind,
      folder: draft.kind === 'local' ? draft.folder : null,
      url: draft.kind === 'remote' ? draft.url : null,
      token_sealed: draft.kind === 'remote' ? this.secrets.seal(draft.token) : null,
      allow_insecure: draft.kind === 'remote' && draft.allowInsecure ? 1 : 0,
      created_at: now,
      updated_at: now,
    };
    this.stmts.insert.run(row);
    return toConnection(row);
  }

  update(id: string, changes: ConnectionChanges, now = new Date().toISOString()): Connection {
    const r = this.row(id);
    if (changes.name !== undefined && changes.name.toLowerCase() !== r.name.toLowerCase()) this.assertNameFree(changes.name);
    if (r.kind === 'local' && (changes.url !== undefined || changes.token !== undefined || changes.allowInsecure !== undefined)) {
      throw new TenantryError('BAD_INPUT', `connection "${r.name}" is a local folder: it has no URL or token`, { connection: r.name });
    }
    if (r.kind === 'remote' && changes.folder !== undefined) {
      throw new TenantryError('BAD_INPUT', `connection "${r.name}" is a remote deployment: it has no folder`, { connection: r.name });
    }
    const next: Row = {
      ...r,
      name: changes.name ?? r.name,
      folder: changes.folder ?? r.folder,
      url: changes.url ?? r.url,
      token_sealed: changes.token !== undefined ? this.secrets.seal(changes.token) : r.token_sealed,
      allow_insecure: changes.allowInsecure === undefined ? r.allow_insecure : changes.allowInsecure ? 1 : 0,
      updated_at: now,
    };
    this.stmts.update.run(next);
    return toConnection(next);
  }

  remove(id: string): boolean {
    return this.stmts.remove.run(id).changes > 0;
  }

  private row(id: string): Row {
    const r = this.stmts.get.get(id);
    if (!r) throw new TenantryError('NOT_FOUND', `no connection with id "${id}"`, { connectionId: id });
    return r;
  }

  private assertNameFree(name: string): void {
    if (this.stmts.byName.get(name)) throw new TenantryError('BAD_INPUT', `a connection named "${name}" already exists; choose another name`, { name });
  }
}
