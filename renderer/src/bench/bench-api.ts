// What the matrix benchmark page (bench-main.tsx) offers its driver (bench/lib/browser.ts) as window.tenantryBench.
import type { FixtureSize } from './fleet-fixture.js';
import type { FirstPaint, ScrollOptions, ScrollRun } from './frame-probe.js';

export type { FirstPaint, LongEntry, ScrollOptions, ScrollRun } from './frame-probe.js';

export interface BenchApi {
  /** the PerformanceObserver entry types this Chromium supports, of longtask and long-animation-frame */
  longFrameTypes: string[];
  /** Makes the synthetic fleet (not yet handed to the store). */
  generate(size: FixtureSize): { tenants: number; extensions: number; cells: number; ms: number };
  /** Measures the display's frame interval. */
  frameInterval(): Promise<number>;
  /** Hands the fleet to the store (or takes it away) and waits until the page has settled. */
  show(loaded: boolean): Promise<void>;
  /** Renders data cells as usual, or blank (the scroll baseline), and waits until the page has settled. */
  setBlank(blank: boolean): Promise<void>;
  /** Takes the fleet away, hands it over again and counts the frames to the first paint of the grid's cells. */
  firstPaint(): Promise<FirstPaint>;
  scroll(o: ScrollOptions): Promise<ScrollRun>;
  /** Times the matrix model alone, cold when called first in a page: the build, then the cells of the first rows. */
  model(rows: number): { buildMs: number; firstRowsMs: number };
}

declare global {
  interface Window {
    tenantryBench?: BenchApi;
  }
}
