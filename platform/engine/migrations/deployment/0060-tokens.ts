// Deployment database: API tokens of the management server. Only the SHA-256 of each token's secret is stored;
// the token itself is shown once when it is made.
import type { Migration } from '../../db/migration.js';

export const m0060Tokens: Migration = {
  version: 60,
  name: 'tokens',
  up(db) {
    db.exec(`
      CREATE TABLE api_tokens (
        token_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        scope TEXT NOT NULL CHECK (scope IN ('read','admin')),
        tenants TEXT,
        secret_sha256 TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        revoked_at TEXT
      ) STRICT;
      CREATE INDEX api_tokens_by_name ON api_tokens(name);
    `);
  },
};
