// Operation log rows, in the deployment database and (same shape, without tenant_id) in each tenant database.
import type Database from 'better-sqlite3';
import { StatementCache } from './statement-cache.js';
import type { LogMirrorEntry } from '../../../shared/api/changes.js';
import type { LogEntry } from '../../../shared/api/operations.js';

export interface LogRow {
  op_id: string;
  actor: string;
  operation: string;
  tenant_id: string | null;
  params: string;
  started_at: string;
  ended_at: string | null;
  result: 'running' | 'succeeded' | 'failed';
  error_code: string | null;
  error_message: string | null;
}

export class DeploymentLogRepository {
  private readonly s: StatementCache;
  constructor(db: Database.Database) {
    this.s = new StatementCache(db);
  }
  start(row: Pick<LogRow, 'op_id' | 'actor' | 'operation' | 'tenant_id' | 'params' | 'started_at'>): void {
    this.s
      .stmt(
        "INSERT INTO op_log (op_id, actor, operation, tenant_id, params, started_at, result) VALUES (@op_id, @actor, @operation, @tenant_id, @params, @started_at, 'running')",
      )
      .run(row);
  }
  finish(opId: string, endedAt: string, result: 'succeeded' | 'failed', error?: { code: string; message: string }): void {
    this.s
      .stmt('UPDATE op_log SET ended_at = ?, result = ?, error_code = ?, error_message = ? WHERE op_id = ?')
      .run(endedAt, result, error?.code ?? null, error?.message ?? null, opId);
  }
  running(): LogRow[] {
    return this.s.stmt("SELECT * FROM op_log WHERE result = 'running' ORDER BY seq").all() as LogRow[];
  }
  /** After a crash: operations still 'running' were interrupted (their tenant transactions rolled back). */
  markInterrupted(endedAt: string): number {
    return this.s
      .stmt(
        "UPDATE op_log SET ended_at = ?, result = 'failed', error_code = 'INTERNAL', error_message = 'interrupted: the process ended before the operation finished; its tenant transaction was rolled back' WHERE result = 'running'",
      )
      .run(endedAt).changes;
  }
  /** One entry with its position in the log (the change feed carries it). */
  get(opId: string): (LogRow & { seq: number }) | undefined {
    return this.s.stmt('SELECT * FROM op_log WHERE op_id = ?').get(opId) as (LogRow & { seq: number }) | undefined;
  }
  /** The newest entries with their seq, newest first (the mirrored log window). */
  window(limit: number): (LogRow & { seq: number })[] {
    return this.s.stmt('SELECT * FROM op_log ORDER BY seq DESC LIMIT ?').all(limit) as (LogRow & { seq: number })[];
  }
  windowForTenants(limit: number, tenants: readonly string[]): (LogRow & { seq: number })[] {
    return this.s
      .stmt('SELECT * FROM op_log WHERE tenant_id IN (SELECT value FROM json_each(?)) ORDER BY seq DESC LIMIT ?')
      .all(JSON.stringify(tenants), limit) as (LogRow & { seq: number })[];
  }
  list(limit: number, tenantId?: string): LogRow[] {
    if (tenantId === undefined) return this.s.stmt('SELECT * FROM op_log ORDER BY seq DESC LIMIT ?').all(limit) as LogRow[];
    return this.s.stmt('SELECT * FROM op_log WHERE tenant_id = ? ORDER BY seq DESC LIMIT ?').all(tenantId, limit) as LogRow[];
  }
}

/** An operation-log row as the contract's LogEntry. */
export function logEntry(r: LogRow): LogEntry {
  return {
    opId: r.op_id,
    actor: r.actor,
    operation: r.operation,
    tenantId: r.tenant_id,
    params: JSON.parse(r.params) as Record<string, unknown>,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    result: r.result,
    errorCode: r.error_code,
    errorMessage: r.error_message,
  };
}

/** An operation-log row as the change feed mirrors it. */
export function logMirror(r: LogRow & { seq: number }): LogMirrorEntry {
  return { seq: r.seq, ...logEntry(r) };
}
