// The audit log: every operation the console starts (who, what, where, parameters, result, operation id),
// append-only and tamper-evident: each entry's hash is SHA-256 over the previous entry's hash and the
// entry's canonical JSON, so changing, removing or reordering any entry breaks the chain from there on.
import { createHash } from 'node:crypto';
import type { AuditEntry, AuditFilter, AuditVerify } from '../../shared/api/console.js';
import { canonicalJson } from './canonical-json.js';
import { toCsv } from '../../shared/domain/csv.js';
import type { Db } from './db.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditRecord {
  actor: string;
  action: string;
  connectionId?: string | null;
  connectionName?: string | null;
  target?: string | null;
  params: unknown;
  result: 'succeeded' | 'failed' | 'cancelled';
  error?: string | null;
  opId?: string | null;
  jobId?: string | null;
}

interface Row {
  seq: number;
  at: string;
  actor: string;
  action: string;
  connection_id: string | null;
  connection_name: string | null;
  target: string | null;
  params: string;
  result: 'succeeded' | 'failed' | 'cancelled';
  error: string | null;
  op_id: string | null;
  job_id: string | null;
  prev_hash: string;
  hash: string;
}

/** Keys whose values never enter the log, wherever they appear in the parameters. */
const SECRET_KEYS = /^(token|password|secret|authorization|package)$/i;

export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEYS.test(k) && v !== undefined ? '[redacted]' : redact(v)]),
    );
  }
  return value;
}

/** The hashed content of an entry: everything but the hashes themselves. */
function hashedBody(r: Row): string {
  return canonicalJson({
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    action: r.action,
    connectionId: r.connection_id,
    connectionName: r.connection_name,
    target: r.target,
    params: r.params,
    result: r.result,
    error: r.error,
    opId: r.op_id,
    jobId: r.job_id,
  });
}

export function entryHash(prevHash: string, r: Row): string {
  return createHash('sha256').update(prevHash).update('\n').update(hashedBody(r)).digest('hex');
}

const toEntry = (r: Row): AuditEntry => ({
  seq: r.seq,
  at: r.at,
  actor: r.actor,
  action: r.action,
  connectionId: r.connection_id,
  connectionName: r.connection_name,
  target: r.target,
  params: JSON.parse(r.params) as unknown,
  result: r.result,
  error: r.error,
  opId: r.op_id,
  jobId: r.job_id,
  prevHash: r.prev_hash,
  hash: r.hash,
});

export class AuditLog {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      head: db.prepare<[], Pick<Row, 'seq' | 'hash'>>('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1'),
      insert: db.prepare(
        `INSERT INTO audit (seq, at, actor, action, connection_id, connection_name, target, params, result, error, op_id, job_id, prev_hash, hash)
         VALUES (@seq, @at, @actor, @action, @connection_id, @connection_name, @target, @params, @result, @error, @op_id, @job_id, @prev_hash, @hash)`,
      ),
      page: db.prepare<[number, number], Row>('SELECT * FROM audit WHERE seq < ? ORDER BY seq DESC LIMIT ?'),
      count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM audit'),
      all: db.prepare<[], Row>('SELECT * FROM audit ORDER BY seq'),
      // One statement for every filter combination: a NULL parameter switches its condition off.
      filtered: db.prepare<Record<string, string | number | null>, Row>(
        `SELECT * FROM audit WHERE seq < @before AND ${FILTER_SQL} ORDER BY seq DESC LIMIT @limit`,
      ),
      countFiltered: db.prepare<Record<string, string | number | null>, { n: number }>(`SELECT count(*) AS n FROM audit WHERE ${FILTER_SQL}`),
    };
  }

  append(rec: AuditRecord, at = new Date().toISOString()): AuditEntry {
    // Read the head and insert in one transaction so two writers cannot fork the chain.
    return this.db
      .transaction((): AuditEntry => {
        const head = this.stmts.head.get();
        const row: Row = {
          seq: (head?.seq ?? 0) + 1,
          at,
          actor: rec.actor,
          action: rec.action,
          connection_id: rec.connectionId ?? null,
          connection_name: rec.connectionName ?? null,
          target: rec.target ?? null,
          params: canonicalJson(redact(rec.params ?? {})),
          result: rec.result,
          error: rec.error ?? null,
          op_id: rec.opId ?? null,
          job_id: rec.jobId ?? null,
          prev_hash: head?.hash ?? GENESIS_HASH,
          hash: '',
        };
        row.hash = entryHash(row.prev_hash, row);
        this.stmts.insert.run(row);
        return toEntry(row);
      })
      .immediate();
  }

  list(limit: number, beforeSeq?: number, filter?: AuditFilter): { entries: AuditEntry[]; total: number; matched: number } {
    const total = this.stmts.count.get()?.n ?? 0;
    if (!filter || !hasFilter(filter)) {
      return { entries: this.stmts.page.all(beforeSeq ?? Number.MAX_SAFE_INTEGER, limit).map(toEntry), total, matched: total };
    }
    const p = filterParams(filter);
    return {
      entries: this.stmts.filtered.all({ ...p, before: beforeSeq ?? Number.MAX_SAFE_INTEGER, limit }).map(toEntry),
      total,
      matched: this.stmts.countFiltered.get(p)?.n ?? 0,
    };
  }

  /** Every entry matching the filter, oldest first (for a report). */
  matching(filter: AuditFilter | undefined): AuditEntry[] {
    if (!filter || !hasFilter(filter)) return this.stmts.all.all().map(toEntry);
    return this.stmts.filtered
      .all({ ...filterParams(filter), before: Number.MAX_SAFE_INTEGER, limit: -1 })
      .map(toEntry)
      .reverse();
  }

  /** Walks the whole chain; the first entry that does not verify is named with the reason. */
  verify(): AuditVerify {
    return verifyChain(this.stmts.all.iterate());
  }

  export(format: 'jsonl' | 'csv'): { fileName: string; mimeType: string; content: string } {
    const rows = this.stmts.all.all().map(toEntry);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    if (format === 'jsonl') {
      return {
        fileName: `tenantry-audit-${stamp}.jsonl`,
        mimeType: 'application/x-ndjson',
        content: rows.map((e) => JSON.stringify(e)).join('\n') + (rows.length ? '\n' : ''),
      };
    }
    const header = ['seq', 'at', 'actor', 'action', 'connection', 'target', 'params', 'result', 'error', 'opId', 'jobId', 'prevHash', 'hash'];
    const body = rows.map((e) => [
      e.seq,
      e.at,
      e.actor,
      e.action,
      e.connectionName,
      e.target,
      canonicalJson(e.params),
      e.result,
      e.error,
      e.opId,
      e.jobId,
      e.prevHash,
      e.hash,
    ]);
    return { fileName: `tenantry-audit-${stamp}.csv`, mimeType: 'text/csv', content: toCsv(header, body) };
  }
}

const FILTER_SQL = `(@action IS NULL OR action = @action)
  AND (@result IS NULL OR result = @result)
  AND (@connection_id IS NULL OR connection_id = @connection_id)
  AND (@since IS NULL OR at >= @since)
  AND (@until IS NULL OR at <= @until)
  AND (@q IS NULL OR actor LIKE @q ESCAPE '\\' OR action LIKE @q ESCAPE '\\' OR coalesce(target, '') LIKE @q ESCAPE '\\'
       OR coalesce(connection_name, '') LIKE @q ESCAPE '\\' OR params LIKE @q ESCAPE '\\' OR coalesce(error, '') LIKE @q ESCAPE '\\'
       OR coalesce(op_id, '') LIKE @q ESCAPE '\\' OR coalesce(job_id, '') LIKE @q ESCAPE '\\')`;

const hasFilter = (f: AuditFilter): boolean => Boolean(f.query?.trim() || f.action || f.result || f.connectionId || f.since || f.until);

function filterParams(f: AuditFilter): Record<string, string | null> {
  const q = f.query?.trim();
  return {
    action: f.action || null,
    result: f.result ?? null,
    connection_id: f.connectionId ?? null,
    since: f.since || null,
    until: f.until || null,
    q: q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null,
  };
}

function verifyChain(rows: Iterable<Row>): AuditVerify {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  for (const r of rows) {
    count++;
    if (r.seq !== expectedSeq) {
      const reason = r.seq > expectedSeq ? `entries ${expectedSeq}..${r.seq - 1} before entry ${r.seq} are missing` : `entry ${r.seq} is out of order`;
      return { ok: false, count, headHash: prev, firstBad: { seq: r.seq, reason } };
    }
    if (r.prev_hash !== prev) {
      return { ok: false, count, headHash: prev, firstBad: { seq: r.seq, reason: `entry ${r.seq} does not carry the hash of entry ${r.seq - 1}` } };
    }
    if (entryHash(prev, r) !== r.hash) {
      return {
        ok: false,
        count,
        headHash: prev,
        firstBad: { seq: r.seq, reason: `entry ${r.seq} was changed after it was written: its hash does not match its content` },
      };
    }
    prev = r.hash;
    expectedSeq++;
  }
  return { ok: true, count, headHash: prev };
}

/** Verifies an exported JSONL file, offline, without the console database. */
export function verifyExport(jsonl: string): AuditVerify {
  const rows: Row[] = jsonl
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const e = JSON.parse(l) as AuditEntry;
      return {
        seq: e.seq,
        at: e.at,
        actor: e.actor,
        action: e.action,
        connection_id: e.connectionId,
        connection_name: e.connectionName,
        target: e.target,
        params: canonicalJson(e.params),
        result: e.result,
        error: e.error,
        op_id: e.opId,
        job_id: e.jobId,
        prev_hash: e.prevHash,
        hash: e.hash,
      };
    });
  return verifyChain(rows);
}
