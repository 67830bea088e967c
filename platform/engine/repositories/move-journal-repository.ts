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
  /** 'local': moveTenant between two folders of this process; 'staged': move.begin/complete/abort (another process holds the destination). */
  mode?: 'local' | 'staged';
}

/** A tenant file received by this deployment as the destination of a staged move, held dismounted until mounted. */
export interface IncomingRow {
  move_id: string;
  tenant_id: string;
  sha256: string;
  size: number;
  received_at: string;
  outcome: 'mounted' | 'discarded' | null;
  updated_at: string;
}

export class MoveJournalRepository {
  private readonly s: StatementCache;
  constructor(db: Database.Database) {
    this.s = new StatementCache(db);
  }
  start(row: Pick<MoveRow, 'move_id' | 'tenant_id' | 'destination' | 'prior_state' | 'started_at'> & { mode?: 'local' | 'staged' }): void {
    this.s
      .stmt(
        "INSERT INTO move_journal (move_id, tenant_id, destination, phase, prior_state, started_at, updated_at, mode) VALUES (@move_id, @tenant_id, @destination, 'started', @prior_state, @started_at, @started_at, @mode)",
      )
      .run({ ...row, mode: row.mode ?? 'local' });
  }
  /** The unfinished move of a tenant, if any. */
  openForTenant(tenantId: string): MoveRow | undefined {
    return this.s.stmt('SELECT * FROM move_journal WHERE tenant_id = ? AND outcome IS NULL ORDER BY started_at DESC LIMIT 1').get(tenantId) as
      MoveRow | undefined;
  }
  // incoming (destination side of a staged move)
  receive(row: Omit<IncomingRow, 'outcome' | 'updated_at'>): void {
    this.s
      .stmt(
        'INSERT INTO move_incoming (move_id, tenant_id, sha256, size, received_at, outcome, updated_at) VALUES (@move_id, @tenant_id, @sha256, @size, @received_at, NULL, @received_at)',
      )
      .run(row);
  }
  /** The staged copy of a tenant still waiting to be mounted or discarded. */
  pendingIncoming(tenantId: string): IncomingRow | undefined {
    return this.s.stmt('SELECT * FROM move_incoming WHERE tenant_id = ? AND outcome IS NULL').get(tenantId) as IncomingRow | undefined;
  }
  finishIncoming(moveId: string, tenantId: string, outcome: 'mounted' | 'discarded', at: string): void {
    this.s.stmt('UPDATE move_incoming SET outcome = ?, updated_at = ? WHERE move_id = ? AND tenant_id = ?').run(outcome, at, moveId, tenantId);
  }
  phase(moveId: string, phase: MovePhase, at: string, facts?: { sha256: string; size: number }): void {
    if (facts)
      this.s.stmt('UPDATE move_journal SET phase = ?, updated_at = ?, sha256 = ?, size = ? WHERE move_id = ?').run(phase, at, facts.sha256, facts.size, moveId);
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
