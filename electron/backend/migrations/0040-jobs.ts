// Jobs: long operations with per-item progress and results, readable after the fact.
import type { Migration } from '../db.js';

export const migration0040: Migration = {
  version: 40,
  name: 'jobs',
  up(db) {
    db.exec(`
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        spec TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'partial', 'cancelled', 'interrupted')),
        created_at TEXT NOT NULL,
        started_at TEXT,
        ended_at TEXT,
        total INTEGER NOT NULL,
        done INTEGER NOT NULL DEFAULT 0,
        cancel_requested INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX jobs_created ON jobs (created_at DESC);
      CREATE TABLE job_items (
        job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        connection_id TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        label TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'succeeded', 'failed', 'cancelled', 'skipped')),
        message TEXT,
        error_code TEXT,
        op_id TEXT,
        started_at TEXT,
        ended_at TEXT,
        PRIMARY KEY (job_id, idx)
      ) STRICT;
    `);
  },
};
