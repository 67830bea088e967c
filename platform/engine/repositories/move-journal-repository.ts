// The move journal of a source deployment: one row per tenant move, its phase, and how it ended.
import type Database from 'better-sqlite3';
import { StatementCache } from './statement-cache.js';

export type MovePhase = 'started' | 'dismounted' | 'transferred' | 'mounted-on-destination' | 'done';

export interface MoveRow {
  move_id: string;
  tenant_id: string;
  destination: string;
  phase: MovePhase;
  prior_state: string;
  sha256: string | null;
  size: number | null;
  started_at: string;
  updated_at: string;
  outcome: 'moved' | 'rolled-back' | null;
  error: string | null;
}

export class MoveJournalRepository {
  private readonly s: StatementCache;
  constructor(db: Database.Database) {
    this.s = new StatementCache(db);
  }
  start(row: Pick<MoveRow, 'move_id' | 'tenant_id' | 'destination' | 'prior_state' | 'started_at'>): void {
    this.s
      .stmt("INSERT INTO move_journal (move_id, tenant_id, destination, phase, prior_state, started_at, updated_at) VALUES (@move_id, @tenant_id, @destination, 'started', @prior_state, @started_at, @started_at)")
      .run(row);
  }
  phase(moveId: string, phase: MovePhase, at: string, facts?: { sha256: string; size: number }): void {
    if (facts) this.s.stmt('UPDATE move_journal SET phase = ?, updated_at = ?, sha256 = ?, size = ? WHERE move_id = ?').run(phase, at, facts.sha256, facts.size, moveId);
    else this.s.stmt('UPDATE move_journal SET phase = ?, updated_at = ? WHERE move_id = ?').run(phase, at, moveId);
  }
  finish(moveId: string, outcome: 'moved' | 'rolled-back', at: string, error?: string): void {
    this.s.stmt('UPDATE move_journal SET outcome = ?, updated_at = ?, error = ? WHERE move_id = ?').run(outcome, at, error ?? null, moveId);
  }
  open(): MoveRow[] {
    return this.s.stmt('SELECT * FROM move_journal WHERE outcome IS NULL ORDER BY started_at').all() as MoveRow[];
  }
  get(moveId: string): MoveRow | undefined {
    return this.s.stmt('SELECT * FROM move_journal WHERE move_id = ?').get(moveId) as MoveRow | undefined;
  }
}
