// Smoke test of the benchmarks: every scenario runs in quick mode and writes a well-formed result file.
// It asserts completion and shape only, never a time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBench } from './run.js';
import { SCENARIOS } from './scenarios/index.js';

describe('bench (quick mode smoke test)', () => {
  it('runs every scenario and writes bench results as JSON', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantry-bench-results-'));
    try {
      const lines: string[] = [];
      const code = await runBench(['--quick'], (l) => lines.push(l), dir);
      expect(lines.filter((l) => l.includes('FAILED'))).toEqual([]);
      expect(code).toBe(0);
      for (const s of SCENARIOS) {
        const r = JSON.parse(fs.readFileSync(path.join(dir, `${s.name}.quick.json`), 'utf8')) as Record<string, unknown>;
        expect(r.scenario).toBe(s.name);
        expect(r.quick).toBe(true);
        const ours = r.ours as { median: number; runs: number };
        expect(ours.runs).toBeGreaterThan(0);
        expect(Number.isFinite(ours.median)).toBe(true);
        expect(typeof (r.target as { met: unknown }).met).toBe('boolean');
        if (r.baselineSummary !== null) expect(typeof r.ratio).toBe('number');
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('refuses an unknown scenario with usage exit code 2', async () => {
    const lines: string[] = [];
    expect(await runBench(['no-such-scenario'], (l) => lines.push(l))).toBe(2);
    expect(lines.join('\n')).toContain('unknown scenario: no-such-scenario');
  });
});
