// Connections to deployments: local folders or remote URLs. Tokens are stored sealed by a SecretBox, never in clear.
import type { Migration } from '../db.js';

export const migration0010: Migration = {
  version: 10,
  name: 'connections',
  up(db) {
    db.exec(`
      CREATE TABLE connections (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('local', 'remote')),
        folder TEXT,
        url TEXT,
        token_sealed BLOB,
        allow_insecure INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK ((kind = 'local' AND folder IS NOT NULL) OR (kind = 'remote' AND url IS NOT NULL))
      ) STRICT;
      CREATE UNIQUE INDEX connections_name ON connections (name COLLATE NOCASE);
    `);
  },
};
