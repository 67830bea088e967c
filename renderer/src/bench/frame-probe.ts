// In-page measurement for the matrix benchmarks: frames sampled with requestAnimationFrame, long tasks and long
// animation frames collected with PerformanceObserver, a programmatic scroll at a given speed, and the time from a
// hand-over of data to the first frame painted with the grid's cells. The bench driver reads the results through
// window.tenantryBench (bench-main.tsx); main-thread busy time comes from a Chromium trace taken by the driver.

export interface LongEntry {
  type: 'longtask' | 'long-animation-frame';
  start: number;
  duration: number;
  /** long animation frames: time blocked beyond 50 ms, and where the frame's rendering started */
  blocking?: number;
  renderStart?: number;
  styleAndLayoutStart?: number;
  scripts?: { invoker: string; duration: number; forcedLayout: number }[];
}

const longEntries: LongEntry[] = [];

/** The Long Animation Frames API's entry (not yet in TypeScript's DOM library). */
interface LoafEntry extends PerformanceEntry {
  blockingDuration: number;
  renderStart: number;
  styleAndLayoutStart: number;
  scripts: { invoker: string; duration: number; forcedStyleAndLayoutDuration: number }[];
}

/** Starts collecting long tasks and long animation frames for the page's lifetime. */
export function observeLongFrames(): string[] {
  const supported: string[] = [];
  const types = PerformanceObserver.supportedEntryTypes ?? [];
  if (types.includes('longtask')) {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longEntries.push({ type: 'longtask', start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    supported.push('longtask');
  }
  if (types.includes('long-animation-frame')) {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as LoafEntry[]) {
        longEntries.push({
          type: 'long-animation-frame',
          start: e.startTime,
          duration: e.duration,
          blocking: e.blockingDuration,
          renderStart: e.renderStart,
          styleAndLayoutStart: e.styleAndLayoutStart,
          scripts: e.scripts.map((s) => ({ invoker: s.invoker, duration: s.duration, forcedLayout: s.forcedStyleAndLayoutDuration })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
    supported.push('long-animation-frame');
  }
  return supported;
}

/** Long tasks and long animation frames that overlap [from, to]. */
export function longFramesBetween(from: number, to: number): LongEntry[] {
  return longEntries.filter((e) => e.start + e.duration >= from && e.start <= to);
}

export const nextFrame = (): Promise<number> => new Promise((resolve) => requestAnimationFrame(resolve));

export async function frames(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await nextFrame();
}

/** The display's frame interval: the median rAF delta over idle frames. */
export async function frameInterval(samples = 30): Promise<number> {
  const ts: number[] = [];
  for (let i = 0; i <= samples; i++) ts.push(await nextFrame());
  const d = ts
    .slice(1)
    .map((t, i) => t - ts[i]!)
    .sort((a, b) => a - b);
  return d[Math.floor(d.length / 2)]!;
}

/** A task that runs as soon as possible without the clamping of setTimeout. */
const postTask = (fn: () => void): void => {
  const ch = new MessageChannel();
  ch.port1.onmessage = () => {
    ch.port1.close();
    fn();
  };
  ch.port2.postMessage(null);
};

export interface ScrollOptions {
  /** pixels per frame on each axis (a 60 Hz frame: px/s divided by 60) */
  dx: number;
  dy: number;
  frames: number;
  /** a label for the user-timing marks the driver finds in the trace */
  label: string;
}

export interface ScrollRun {
  label: string;
  /** rAF timestamps, one per frame of the scroll */
  timestamps: number[];
  /** start and end of the scroll on the page's clock (performance.now) */
  from: number;
  to: number;
  distance: { x: number; y: number };
  longFrames: LongEntry[];
}

/**
 * Scrolls `el` by (dx, dy) every frame from its origin, bouncing at the ends, and samples each frame's rAF
 * timestamp. Positions are tracked here, not read back, so the probe reads no layout of its own.
 */
export async function scrollRun(el: HTMLElement, o: ScrollOptions): Promise<ScrollRun> {
  el.scrollTop = 0;
  el.scrollLeft = 0;
  await frames(6);
  const maxX = el.scrollWidth - el.clientWidth;
  const maxY = el.scrollHeight - el.clientHeight;
  let x = 0;
  let y = 0;
  let dx = o.dx;
  let dy = o.dy;
  let moved = { x: 0, y: 0 };
  const timestamps: number[] = [];
  performance.mark(`${o.label}:start`);
  const from = performance.now();
  await new Promise<void>((resolve) => {
    const step = (t: number): void => {
      timestamps.push(t);
      if (timestamps.length > o.frames) {
        resolve();
        return;
      }
      // Scroll in a task after this frame's rendering, as input arrives between frames: the write then finds
      // layout clean and the page reacts in the next frame's scroll steps, not in a layout forced by the probe.
      postTask(() => {
        if (x + dx > maxX || x + dx < 0) dx = -dx;
        if (y + dy > maxY || y + dy < 0) dy = -dy;
        x += dx;
        y += dy;
        moved = { x: moved.x + Math.abs(dx), y: moved.y + Math.abs(dy) };
        if (dx !== 0) el.scrollLeft = x;
        if (dy !== 0) el.scrollTop = y;
      });
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
  const to = performance.now();
  performance.mark(`${o.label}:end`);
  // let the observers deliver the last frames' entries
  await frames(2);
  return { label: o.label, timestamps, from, to, distance: moved, longFrames: longFramesBetween(from, to) };
}

export interface FirstPaint {
  /** hand-over to the start of the first frame after the one that painted the cells (ms) */
  ms: number;
  /** frame intervals from the frame of the hand-over to that first frame after the paint */
  frames: number;
  /** hand-over to the cells being in the DOM (ms) */
  toDom: number;
  /** rAF callbacks that ran between the hand-over and the frame after the paint */
  rafCallbacks: number;
  interval: number;
  rows: number;
  cells: number;
  /** whether the rendered rows cover the scroller's height (a full paint, not a partial one) */
  full: boolean;
  longFrames: LongEntry[];
}

/**
 * Hands data over in a task right after a frame (`handOver`) and counts frames until the first rAF after the frame
 * that painted the grid's cells. A frame paints what is in the DOM when its rendering runs, which is after its rAF
 * callbacks: the painting frame is the first whose rAF callback runs after the cells appeared, and the frame after
 * it is the first rAF after the paint. The user-timing marks first-paint:start and first-paint:end bound it in a trace.
 */
export async function firstPaint(handOver: () => void, cellSelector: string, interval: number): Promise<FirstPaint> {
  await frames(3);
  let toDomAt = -1;
  const mo = new MutationObserver(() => {
    if (toDomAt < 0 && document.querySelector(cellSelector)) {
      toDomAt = performance.now();
      mo.disconnect();
    }
  });
  mo.observe(document.body, { childList: true, subtree: true });
  const ts0 = await nextFrame();
  const t0 = await new Promise<number>((resolve) =>
    postTask(() => {
      performance.mark('first-paint:start');
      const t = performance.now();
      handOver();
      resolve(t);
    }),
  );
  let callbacks = 0;
  let paintedIn = -1;
  let after = { ts: 0, now: 0 };
  for (;;) {
    const ts = await nextFrame();
    const now = performance.now();
    callbacks++;
    if (paintedIn >= 0) {
      after = { ts, now };
      performance.mark('first-paint:end');
      break;
    }
    if (toDomAt >= 0) paintedIn = ts;
    if (callbacks > 600) throw new Error('bench: the grid never rendered its cells');
  }
  mo.disconnect();
  const scroller = document.querySelector<HTMLElement>('[role="grid"]');
  const rows = document.querySelectorAll('[role="row"]').length;
  const bottom = [...document.querySelectorAll<HTMLElement>('[role="row"]')].reduce((b, r) => Math.max(b, r.getBoundingClientRect().bottom), 0);
  return {
    ms: after.now - t0,
    frames: Math.round((after.ts - ts0) / interval),
    toDom: toDomAt - t0,
    rafCallbacks: callbacks,
    interval,
    rows,
    cells: document.querySelectorAll(cellSelector).length,
    full: scroller !== null && bottom >= scroller.getBoundingClientRect().bottom,
    longFrames: longFramesBetween(t0, after.now),
  };
}
