// Chromium for the matrix benchmarks: builds the renderer's bench page (renderer/bench.html, with the existing vite
// config and a different input, into a temporary folder so the console's build is untouched), serves it on loopback,
// launches the machine's /usr/bin/chromium through playwright-core (never a downloaded browser) with the e2e suite's
// flags, and reads main-thread busy time and its breakdown from a Chromium trace.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import type { BenchApi } from '../../renderer/src/bench/bench-api.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
/** The flags of playwright.config.ts, so the bench sees the browser the e2e suite sees. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
export const VIEWPORT = { width: 1440, height: 900 };

/**
 * The renderer folder the bench page is built from: this checkout's, or another one's (TENANTRY_BENCH_RENDERER),
 * which is how a before/after comparison runs the same scenario against older code.
 */
const RENDERER = path.resolve(process.env['TENANTRY_BENCH_RENDERER'] ?? path.join(ROOT, 'renderer'));

/** Builds renderer/bench.html (production mode, like the console) into `outDir`; `readable` keeps names for profiles. */
export async function buildBenchPage(outDir: string, readable = false): Promise<void> {
  await build({
    configFile: path.join(RENDERER, 'vite.config.ts'),
    root: RENDERER,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, ...(readable ? { minify: false } : {}), rollupOptions: { input: { bench: path.join(RENDERER, 'bench.html') } } },
  });
  if (!fs.existsSync(path.join(outDir, 'bench.html'))) throw new Error(`bench: vite did not write ${path.join(outDir, 'bench.html')}`);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** A static file server on 127.0.0.1 for the built page (module scripts do not load from file://). */
export async function serveFolder(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const base = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.resolve(base, `.${rel}`);
    if ((file !== base && !file.startsWith(base + path.sep)) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('bench: no address for the page server');
  return {
    url: `http://127.0.0.1:${addr.port}/bench.html`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface BenchBrowser {
  browser: Browser;
  url: string;
  /** A fresh page with the bench API loaded. */
  open(): Promise<Page>;
  close(): Promise<void>;
}

/** Builds and serves the bench page into `tmp`, and launches Chromium. */
export async function startBenchBrowser(tmp: string, readable = process.env['BENCH_READABLE'] === '1'): Promise<BenchBrowser> {
  const out = path.join(tmp, 'bench-page');
  await buildBenchPage(out, readable);
  const server = await serveFolder(out);
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  } catch (e) {
    await server.close();
    throw e;
  }
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'dark' });
  return {
    browser,
    url: server.url,
    async open() {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(server.url);
      await page
        .waitForFunction(() => window.tenantryBench !== undefined, null, { timeout: 30_000 })
        .catch(() => {
          throw new Error(`bench: the bench page did not start${errors.length ? `: ${errors.join('; ')}` : ''}`);
        });
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Rejects when `p` takes longer than `ms`: a stuck browser fails the scenario instead of hanging the run. */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench: ${what} took over ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Calls one method of window.tenantryBench in the page; fails if the page crashes or the call takes over 3 minutes. */
export async function bench<K extends keyof BenchApi>(
  page: Page,
  method: K,
  ...args: BenchApi[K] extends (...a: infer A) => unknown ? A : never
): Promise<BenchApi[K] extends (...a: never[]) => infer R ? Awaited<R> : never> {
  let onCrash: (() => void) | undefined;
  const crashed = new Promise<never>((_, reject) => {
    onCrash = () => reject(new Error(`bench: the page crashed during ${method}`));
    page.once('crash', onCrash);
  });
  const call = page.evaluate(
    ([m, a]) => {
      const api = window.tenantryBench as unknown as Record<string, (...x: unknown[]) => unknown>;
      return api[m]!(...a);
    },
    [method, args] as [string, unknown[]],
  );
  try {
    return (await withTimeout(Promise.race([call, crashed]), 180_000, method)) as never;
  } finally {
    if (onCrash) page.off('crash', onCrash);
  }
}

/** Traces `fn` with the given categories and returns its result and the trace (JSON text). */
export async function traced<T>(b: BenchBrowser, page: Page, fn: () => Promise<T>): Promise<{ value: T; trace: string }> {
  await withTimeout(b.browser.startTracing(page, { categories: TRACE_CATEGORIES }), 60_000, 'starting a trace');
  let value: T;
  try {
    value = await fn();
  } catch (e) {
    await withTimeout(b.browser.stopTracing(), 60_000, 'stopping a trace').catch(() => undefined);
    throw e;
  }
  const trace = await withTimeout(b.browser.stopTracing(), 120_000, 'stopping a trace');
  return { value, trace: trace.toString('utf8') };
}

// ---- traces ---------------------------------------------------------------------------------------------

export const TRACE_CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'];

interface TraceEvent {
  pid: number;
  tid: number;
  ts: number;
  ph: string;
  name: string;
  cat?: string;
  dur?: number;
  /** thread (CPU) time of a complete event, when the thread reports it */
  tdur?: number;
  args?: { name?: string };
}

export interface MainThreadWindow {
  label: string;
  /** wall time of the window (ms) */
  ms: number;
  /** main-thread wall time inside tasks (ms): includes time the OS gave to other processes */
  busy: number;
  /** main-thread CPU time inside tasks (ms): the work itself, unaffected by other processes on the machine */
  cpu: number;
  /** CPU self time by trace event name (ms), largest first */
  selfTime: { name: string; ms: number }[];
}

const TOP_TASK = new Set(['ThreadControllerImpl::RunTask', 'RunTask']);

/**
 * Main-thread busy time (wall and CPU) of the page's renderer between the user-timing marks `<label>:start` and
 * `<label>:end`, with CPU self time per trace event name (what the time went to: script, style, layout, paint,
 * layerize, GC...).
 */
export function mainThreadWindows(traceJson: string, labels: readonly string[]): MainThreadWindow[] {
  const parsed = JSON.parse(traceJson) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const marks = new Map<string, TraceEvent>();
  for (const e of events) if (e.cat?.includes('blink.user_timing')) marks.set(e.name, e);
  const anyMark = marks.get(`${labels[0]}:start`);
  if (!anyMark) throw new Error(`bench: the trace holds no mark ${labels[0]}:start`);
  const pid = anyMark.pid;
  const mainTid = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === pid && e.args?.name === 'CrRendererMain')?.tid;
  if (mainTid === undefined) throw new Error('bench: the trace names no CrRendererMain thread');

  // complete events of the main thread, B/E pairs folded into complete ones
  const spans: { ts: number; end: number; name: string; cpu: number }[] = [];
  const open: TraceEvent[] = [];
  for (const e of events) {
    if (e.pid !== pid || e.tid !== mainTid) continue;
    if (e.ph === 'X' && e.dur !== undefined) spans.push({ ts: e.ts, end: e.ts + e.dur, name: e.name, cpu: e.tdur ?? e.dur });
    else if (e.ph === 'B') open.push(e);
    else if (e.ph === 'E') {
      const b = open.pop();
      if (b) spans.push({ ts: b.ts, end: e.ts, name: b.name, cpu: e.ts - b.ts });
    }
  }
  spans.sort((a, b) => a.ts - b.ts || b.end - a.end);

  return labels.map((label) => {
    const s = marks.get(`${label}:start`);
    const en = marks.get(`${label}:end`);
    if (!s || !en) throw new Error(`bench: the trace misses the marks of ${label}`);
    const from = s.ts;
    const to = en.ts;
    let busy = 0;
    let cpu = 0;
    const self = new Map<string, number>();
    const stack: { end: number; name: string; child: number; dur: number }[] = [];
    const pop = (upTo: number): void => {
      while (stack.length > 0 && stack[stack.length - 1]!.end <= upTo) {
        const top = stack.pop()!;
        self.set(top.name, (self.get(top.name) ?? 0) + Math.max(0, top.dur - top.child));
      }
    };
    for (const sp of spans) {
      if (sp.end <= from || sp.ts >= to) continue;
      const ts = Math.max(sp.ts, from);
      const end = Math.min(sp.end, to);
      pop(ts);
      // a span cut by the window keeps its share of CPU time
      const dur = sp.end > sp.ts ? (sp.cpu * (end - ts)) / (sp.end - sp.ts) : 0;
      if (stack.length === 0) {
        if (TOP_TASK.has(sp.name)) {
          busy += end - ts;
          cpu += dur;
        }
      } else stack[stack.length - 1]!.child += dur;
      stack.push({ end, name: sp.name, child: 0, dur });
    }
    pop(Infinity);
    return {
      label,
      ms: (to - from) / 1000,
      busy: busy / 1000,
      cpu: cpu / 1000,
      selfTime: [...self.entries()].map(([name, us]) => ({ name, ms: us / 1000 })).sort((a, b) => b.ms - a.ms),
    };
  });
}
