// The benchmark harness: runs ours and the baseline interleaved (A B A B ...), so both see the same machine state,
// and reports median, spread and the ratio ours / baseline. Each scenario writes bench/results/<name>.json.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Sample {
  ms: number;
  /** Extra per-run figures (rows, bytes, frames...). */
  extra?: Record<string, number>;
}

export interface ScenarioContext {
  quick: boolean;
  /** A fresh temporary folder for this scenario; removed afterwards. */
  tmp: string;
  log: (line: string) => void;
}

export interface Measured {
  ours: Sample[];
  baseline?: Sample[];
  /** Figures that are not timings (frame times, per-size series...). */
  figures?: Record<string, unknown>;
  /** Whether the target of quality.md is met, and how the verdict was reached. */
  target: { description: string; met: boolean; detail: string };
}

export interface Scenario {
  name: string;
  title: string;
  /** What the baseline is, measured in the same run. */
  baseline: string;
  run(ctx: ScenarioContext): Promise<Measured>;
}

export interface Summary {
  median: number;
  min: number;
  max: number;
  /** (p75 - p25) / median; with fewer than 4 samples, (max - min) / median. */
  relativeSpread: number;
  runs: number;
}

export function summarize(samples: readonly Sample[]): Summary {
  const xs = samples.map((s) => s.ms).sort((a, b) => a - b);
  if (xs.length === 0) return { median: NaN, min: NaN, max: NaN, relativeSpread: 0, runs: 0 };
  const q = (p: number): number => {
    const i = (xs.length - 1) * p;
    const lo = Math.floor(i);
    const hi = Math.ceil(i);
    return xs[lo]! + (xs[hi]! - xs[lo]!) * (i - lo);
  };
  const median = q(0.5);
  return {
    median,
    min: xs[0]!,
    max: xs[xs.length - 1]!,
    relativeSpread: median > 0 ? (xs.length >= 4 ? q(0.75) - q(0.25) : xs[xs.length - 1]! - xs[0]!) / median : 0,
    runs: xs.length,
  };
}

/** Runs `ours` and `baseline` alternately `runs` times (the order flips each round). */
export async function interleave(
  runs: number,
  ours: (i: number) => Promise<Sample> | Sample,
  baseline: (i: number) => Promise<Sample> | Sample,
): Promise<{ ours: Sample[]; baseline: Sample[] }> {
  const a: Sample[] = [];
  const b: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      a.push(await ours(i));
      b.push(await baseline(i));
    } else {
      b.push(await baseline(i));
      a.push(await ours(i));
    }
  }
  return { ours: a, baseline: b };
}

export function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

export async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

export const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'results');

export interface ResultFile {
  scenario: string;
  title: string;
  baseline: string;
  quick: boolean;
  machine: { node: string; platform: string; cpus: number };
  date: string;
  ours: Summary;
  baselineSummary: Summary | null;
  ratio: number | null;
  target: Measured['target'];
  figures: Record<string, unknown>;
}

export function buildResult(s: Scenario, m: Measured, quick: boolean, cpus: number): ResultFile {
  const ours = summarize(m.ours);
  const base = m.baseline ? summarize(m.baseline) : null;
  return {
    scenario: s.name,
    title: s.title,
    baseline: s.baseline,
    quick,
    machine: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus },
    date: new Date().toISOString(),
    ours,
    baselineSummary: base,
    ratio: base && base.median > 0 ? ours.median / base.median : null,
    target: m.target,
    figures: m.figures ?? {},
  };
}

export function writeResult(r: ResultFile, dir = RESULTS_DIR): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${r.scenario}${r.quick ? '.quick' : ''}.json`);
  fs.writeFileSync(file, JSON.stringify(r, null, 2) + '\n');
  return file;
}

export function formatResult(r: ResultFile): string {
  const f = (n: number): string => (Number.isFinite(n) ? (n >= 100 ? n.toFixed(0) : n.toFixed(2)) : '-');
  const parts = [
    `${r.scenario}${r.quick ? ' (quick)' : ''}: ours median ${f(r.ours.median)} ms [${f(r.ours.min)}..${f(r.ours.max)}], spread ${(r.ours.relativeSpread * 100).toFixed(0)}%`,
  ];
  if (r.baselineSummary) parts.push(`baseline median ${f(r.baselineSummary.median)} ms [${f(r.baselineSummary.min)}..${f(r.baselineSummary.max)}]`);
  if (r.ratio !== null) parts.push(`ratio ours/baseline ${r.ratio.toFixed(3)}`);
  parts.push(`target: ${r.target.description}: ${r.target.met ? 'MET' : 'MISSED'} (${r.target.detail})`);
  return parts.join('\n  ');
}
