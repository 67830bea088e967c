// API tokens of a deployment's management server, stored in the deployment database. A token reads
// `tnt_<id>_<secret>`: the id finds the row, the secret (256 random bits) is kept only as its SHA-256 and compared
// in constant time. Scopes: 'read' (read operations only) or 'admin'; either may be limited to some tenants.
// openTokenStore() works on a folder without opening the Deployment (no crash recovery), so `tenantry token new`
// is safe while a server is serving that folder.
import type Database from 'better-sqlite3';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TenantryError } from '../../shared/api/errors.js';
import type { TokenScope } from '../../shared/api/http.js';
import { TENANT_ID_PATTERN } from '../../shared/api/operations.js';
import { openDatabase } from './db/open-database.js';
import { nowIso, StatementCache } from './repositories/statement-cache.js';

export interface TokenInfo {
  id: string;
  name: string;
  scope: TokenScope;
  /** null: every tenant. */
  tenants: string[] | null;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
}

interface TokenRow {
  token_id: string;
  name: string;
  scope: TokenScope;
  tenants: string | null;
  secret_sha256: string;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
}

const TOKEN_PATTERN = /^tnt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const NAME_PATTERN = /^[^\u0000-\u001f\u007f]{1,100}$/;

const sha256 = (s: string): Buffer => crypto.createHash('sha256').update(s, 'utf8').digest();

function toInfo(r: TokenRow): TokenInfo {
  return {
    id: r.token_id,
    name: r.name,
    scope: r.scope,
    tenants: r.tenants === null ? null : (JSON.parse(r.tenants) as string[]),
    createdAt: r.created_at,
    createdBy: r.created_by,
    revokedAt: r.revoked_at,
  };
}

export class TokenStore {
  private readonly s: StatementCache;
  constructor(db: Database.Database) {
    this.s = new StatementCache(db);
  }

  /** Makes a token; the returned `token` is the only time the secret exists outside the caller. */
  create(opts: { scope: TokenScope; tenants?: readonly string[]; name?: string; createdBy?: string }): { token: string; info: TokenInfo } {
    if (opts.scope !== 'read' && opts.scope !== 'admin')
      throw new TenantryError('BAD_INPUT', `scope "${String(opts.scope)}" is not read or admin`, { scope: opts.scope });
    const tenants = opts.tenants && opts.tenants.length > 0 ? [...new Set(opts.tenants.map((t) => t.toLowerCase()))].sort() : null;
    for (const t of tenants ?? []) {
      if (!TENANT_ID_PATTERN.test(t)) throw new TenantryError('BAD_INPUT', `tenant id "${t}" is not valid`, { tenantId: t });
    }
    const id = crypto.randomBytes(8).toString('hex');
    const secret = crypto.randomBytes(32).toString('base64url');
    const name = opts.name ?? `${opts.scope}-${id.slice(0, 6)}`;
    if (!NAME_PATTERN.test(name)) throw new TenantryError('BAD_INPUT', 'a token name has 1-100 characters and no control characters', { name });
    const row: TokenRow = {
      token_id: id,
      name,
      scope: opts.scope,
      tenants: tenants === null ? null : JSON.stringify(tenants),
      secret_sha256: sha256(secret).toString('hex'),
      created_at: nowIso(),
      created_by: opts.createdBy ?? 'system',
      revoked_at: null,
    };
    this.s
      .stmt(
        'INSERT INTO api_tokens (token_id, name, scope, tenants, secret_sha256, created_at, created_by, revoked_at) VALUES (@token_id, @name, @scope, @tenants, @secret_sha256, @created_at, @created_by, @revoked_at)',
      )
      .run(row);
    return { token: `tnt_${id}_${secret}`, info: toInfo(row) };
  }

  list(): TokenInfo[] {
    return (this.s.stmt('SELECT * FROM api_tokens ORDER BY created_at, token_id').all() as TokenRow[]).map(toInfo);
  }

  /** Revokes by id or by name (a name must be unique among live tokens). */
  revoke(idOrName: string): TokenInfo {
    const byId = this.s.stmt('SELECT * FROM api_tokens WHERE token_id = ?').get(idOrName) as TokenRow | undefined;
    const rows = byId ? [byId] : (this.s.stmt('SELECT * FROM api_tokens WHERE name = ? AND revoked_at IS NULL').all(idOrName) as TokenRow[]);
    if (rows.length === 0) throw new TenantryError('NOT_FOUND', `no live token with id or name "${idOrName}"`, { token: idOrName });
    if (rows.length > 1)
      throw new TenantryError('BAD_INPUT', `${rows.length} live tokens are named "${idOrName}"; revoke one by id (${rows.map((r) => r.token_id).join(', ')})`, {
        token: idOrName,
      });
    const r = rows[0]!;
    if (r.revoked_at === null) this.s.stmt('UPDATE api_tokens SET revoked_at = ? WHERE token_id = ?').run(nowIso(), r.token_id);
    return toInfo(this.s.stmt('SELECT * FROM api_tokens WHERE token_id = ?').get(r.token_id) as TokenRow);
  }

  /** The live token a presented string stands for, or null (malformed, unknown, revoked or wrong secret). */
  verify(presented: string): TokenInfo | null {
    const m = TOKEN_PATTERN.exec(presented);
    if (!m) return null;
    const row = this.s.stmt('SELECT * FROM api_tokens WHERE token_id = ?').get(m[1]) as TokenRow | undefined;
    // Compare even when the id is unknown, so the answer takes as long either way.
    const expected = Buffer.from(row?.secret_sha256 ?? '0'.repeat(64), 'hex');
    const ok = crypto.timingSafeEqual(sha256(m[2]!), expected);
    if (!row || !ok || row.revoked_at !== null) return null;
    return toInfo(row);
  }
}

/** The token store of a deployment folder, on its own connection, without opening (or recovering) the Deployment. */
export function openTokenStore(folder: string): { store: TokenStore; close: () => void } {
  const file = path.join(path.resolve(folder), 'deployment.sqlite');
  if (!fs.existsSync(file))
    throw new TenantryError('DEPLOYMENT_INVALID', `${path.resolve(folder)} is not a Tenantry deployment (no deployment.sqlite)`, { folder });
  const db = openDatabase(file, 'deployment');
  return { store: new TokenStore(db), close: () => db.close() };
}
