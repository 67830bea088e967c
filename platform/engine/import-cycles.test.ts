// The engine's modules import each other without cycles (issue 12 item 6: deployment.ts and invoke.ts imported each
// other). Every import counts, `import type` included: a cycle of types is still two modules that cannot be read
// one without the other. Reads the import and re-export statements of every source file under platform/engine.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ENGINE = path.dirname(new URL(import.meta.url).pathname);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** The engine files a file imports (relative specifiers, `./x.js` -> x.ts), static, re-exported or dynamic. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*'([^']+)'/gms), ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]!);
  return specs
    .filter((s) => s.startsWith('.'))
    .map((s) => path.resolve(path.dirname(file), s).replace(/\.js$/, '.ts'))
    .filter((p) => p.startsWith(ENGINE + path.sep) && fs.existsSync(p));
}

/** Every cycle found by a depth-first walk, each as the list of files from the first to the one closing it. */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (state.get(m) === 'open') cycles.push([...stack.slice(stack.indexOf(m)), m]);
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of [...graph.keys()].sort()) if (!state.has(n)) visit(n);
  return cycles;
}

describe('engine import graph', () => {
  const files = sources(ENGINE);
  const graph = new Map(files.map((f) => [f, importsOf(f)]));

  it('reads the imports it is about (deployment.ts imports the modules it is a facade over)', () => {
    const rel = (graph.get(path.join(ENGINE, 'deployment.ts')) ?? []).map((f) => path.relative(ENGINE, f));
    expect(rel).toEqual(expect.arrayContaining(['catalog.ts', 'tenant-lifecycle.ts', 'tenant-operations.ts', 'moves.ts', 'invoke.ts', 'deployment-core.ts']));
    expect(files.length).toBeGreaterThan(20);
  });

  it('finds a cycle where there is one', () => {
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(findCycles(g)).toEqual([['a', 'b', 'c', 'a']]);
  });

  it('has no cycle between engine modules', () => {
    const cycles = findCycles(graph).map((c) => c.map((f) => path.relative(ENGINE, f)).join(' -> '));
    expect(cycles).toEqual([]);
  });
});
