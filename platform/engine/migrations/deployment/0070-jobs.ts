// Deployment database: jobs of the management server (long operations run in the background) and their events,
// so an outcome stays readable after the client disconnects, and a restart marks what was running as interrupted.
import type { Migration } from '../../db/migration.js';

export const m0070Jobs: Migration = {
  version: 70,
  name: 'jobs',
  up(db) {
    db.exec(`
      CREATE TABLE jobs (
        job_id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,
        operation TEXT NOT NULL,
        params TEXT NOT NULL,
        owner TEXT NOT NULL,
        owner_tenants TEXT,
        state TEXT NOT NULL CHECK (state IN ('queued','running','succeeded','failed','cancelled','interrupted')),
        total INTEGER NOT NULL,
        done INTEGER NOT NULL DEFAULT 0,
        current TEXT,
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        result TEXT,
        error TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        ended_at TEXT
      ) STRICT;
      CREATE INDEX jobs_by_state ON jobs(state);
      CREATE TABLE job_events (
        job_id TEXT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (job_id, seq)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
