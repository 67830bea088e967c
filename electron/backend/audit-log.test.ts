import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditLog, GENESIS_HASH, verifyExport } from './audit-log.js';
import { openConsoleDb } from './db.js';
import { makeTempDir } from './test-support/temp-dir.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

function fill(file: string, n: number): AuditLog {
  const log = new AuditLog(openConsoleDb(file));
  for (let i = 1; i <= n; i++) {
    log.append({
      actor: 'ada@host',
      action: i % 2 ? 'tenant.install' : 'tenant.uninstall',
      connectionId: 'c1',
      connectionName: 'East',
      target: `tenant-${i}`,
      params: { appId: 'contoso-core', token: 'must-not-appear', nested: { password: 'x', keep: i } },
      result: 'succeeded',
      opId: `op-${i}`,
    });
  }
  return log;
}

describe('audit log', () => {
  it('chains each entry to the one before and verifies', () => {
    const log = fill(path.join(tmp.dir, 'ok.sqlite'), 5);
    const { entries, total } = log.list(10);
    expect(total).toBe(5);
    expect(entries.map((e) => e.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(entries.at(-1)!.prevHash).toBe(GENESIS_HASH);
    expect(entries[0]!.prevHash).toBe(entries[1]!.hash);
    expect(log.verify()).toEqual({ ok: true, count: 5, headHash: entries[0]!.hash });
  });

  it('never stores secrets in parameters', () => {
    const log = fill(path.join(tmp.dir, 'redact.sqlite'), 1);
    const e = log.list(1).entries[0]!;
    expect(e.params).toEqual({ appId: 'contoso-core', token: '[redacted]', nested: { password: '[redacted]', keep: 1 } });
  });

  it('refuses UPDATE and DELETE through SQL (append-only)', () => {
    const file = path.join(tmp.dir, 'append-only.sqlite');
    const log = fill(file, 2);
    const db = new Database(file);
    expect(() => db.prepare("UPDATE audit SET actor = 'mallory' WHERE seq = 1").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit WHERE seq = 1').run()).toThrow(/append-only/);
    db.close();
    expect(log.verify().ok).toBe(true);
  });

  it('a tampered entry fails verification, naming that entry', () => {
    const file = path.join(tmp.dir, 'tamper.sqlite');
    const log = fill(file, 6);
    // An attacker with the file drops the trigger and rewrites entry 4.
    const db = new Database(file);
    db.exec('DROP TRIGGER audit_no_update');
    db.prepare(`UPDATE audit SET params = '{"appId":"evil"}' WHERE seq = 4`).run();
    db.close();
    const v = log.verify();
    expect(v.ok).toBe(false);
    expect(v.firstBad?.seq).toBe(4);
    expect(v.firstBad?.reason).toMatch(/entry 4 was changed/);
  });

  it('a removed entry fails verification, naming where the gap is', () => {
    const file = path.join(tmp.dir, 'gap.sqlite');
    const log = fill(file, 5);
    const db = new Database(file);
    db.exec('DROP TRIGGER audit_no_delete');
    db.prepare('DELETE FROM audit WHERE seq = 3').run();
    db.close();
    const v = log.verify();
    expect(v.ok).toBe(false);
    expect(v.firstBad).toEqual({ seq: 4, reason: 'entries 3..3 before entry 4 are missing' });
  });

  it('a re-hashed entry (hash recomputed by the attacker) still breaks the chain at the next entry', () => {
    const file = path.join(tmp.dir, 'rehash.sqlite');
    const log = fill(file, 4);
    const db = new Database(file);
    db.exec('DROP TRIGGER audit_no_update');
    // Flip the first hex digit to another one for certain (writing a fixed 'f' was a no-op one time in 16).
    const before = (db.prepare('SELECT hash FROM audit WHERE seq = 2').get() as { hash: string }).hash;
    db.prepare(`UPDATE audit SET hash = CASE WHEN substr(hash, 1, 1) = 'f' THEN '0' ELSE 'f' END || substr(hash, 2) WHERE seq = 2`).run();
    const after = (db.prepare('SELECT hash FROM audit WHERE seq = 2').get() as { hash: string }).hash;
    expect(after).not.toBe(before);
    db.close();
    const v = log.verify();
    expect(v.firstBad?.seq).toBe(2);
  });

  it('exports JSONL that verifies offline, and CSV quoted per RFC 4180 with formulas neutralised', () => {
    const log = new AuditLog(openConsoleDb(path.join(tmp.dir, 'export.sqlite')));
    log.append({ actor: '=cmd|calc', action: 'tenant.install', target: 'a,"b"', params: { note: 'line1\nline2' }, result: 'failed', error: '+1 oops' });
    log.append({ actor: 'ada', action: 'connections.add', params: {}, result: 'succeeded' });
    const jsonl = log.export('jsonl');
    expect(jsonl.fileName).toMatch(/\.jsonl$/);
    expect(verifyExport(jsonl.content)).toMatchObject({ ok: true, count: 2 });
    const tampered = jsonl.content.replace('"actor":"ada"', '"actor":"eve"');
    expect(verifyExport(tampered).firstBad?.seq).toBe(2);

    const csv = log.export('csv').content;
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('seq,at,actor,action,connection,target,params,result,error,opId,jobId,prevHash,hash');
    expect(csv).toContain(`"'=cmd|calc"`);
    expect(csv).toContain(`"a,""b"""`);
    expect(csv).toContain(`"'+1 oops"`);
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});
