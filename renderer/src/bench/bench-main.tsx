// The matrix benchmark page (renderer/bench.html, built only by the bench): the real MatrixView and MatrixGrid, the
// real store and the app's styles, inside the console shell's layout at the same size, fed a synthetic fleet made in
// the page. bench/scenarios/matrix-*.ts drive it through window.tenantryBench. Not part of the console's build.
import { StrictMode, type ReactElement } from 'react';
import { createRoot } from 'react-dom/client';
import type { FleetSnapshot } from '../../../shared/api/console.js';
import { EMPTY_FILTERS, useStore } from '../app/store.js';
import '../app/styles.css';
import { BlankCellsContext } from '../features/matrix/MatrixGrid.js';
import { buildMatrix } from '../features/matrix/matrix-model.js';
import { MatrixView } from '../features/matrix/MatrixView.js';
import { generateFleet } from './fleet-fixture.js';
import type { BenchApi } from './bench-api.js';
import { firstPaint, frameInterval, frames, observeLongFrames, scrollRun } from './frame-probe.js';

const longFrameTypes = observeLongFrames();

function BenchShell({ blank }: { blank: boolean }): ReactElement {
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            T
          </span>
          <span>
            Tenantry
            <small>Matrix benchmark</small>
          </span>
        </div>
      </nav>
      <header className="topbar">
        <div className="crumbs">
          <h1>Matrix</h1>
        </div>
      </header>
      <main className="main" id="main">
        <BlankCellsContext.Provider value={blank}>
          <MatrixView />
        </BlankCellsContext.Provider>
      </main>
    </div>
  );
}

const root = createRoot(document.getElementById('root')!);
let fleet: FleetSnapshot | null = null;
let interval = 1000 / 60;

const render = (blank: boolean): void =>
  root.render(
    <StrictMode>
      <BenchShell blank={blank} />
    </StrictMode>,
  );

const scroller = (): HTMLElement => {
  const el = document.querySelector<HTMLElement>('[role="grid"]');
  if (!el) throw new Error('bench: the matrix grid is not on the page');
  return el;
};

const api: BenchApi = {
  longFrameTypes,
  generate(size) {
    const t0 = performance.now();
    const f = generateFleet(size);
    // as the console receives a snapshot: parsed from JSON (lib/api.ts), so with flat strings and objects shaped by
    // the parser, not the generator's concatenated strings (comparing and hashing those cost the model ~2 ms more)
    fleet = JSON.parse(JSON.stringify(f.fleet)) as FleetSnapshot;
    return { tenants: size.tenants, extensions: size.extensions, cells: f.cells, ms: performance.now() - t0 };
  },
  async frameInterval() {
    interval = await frameInterval();
    return interval;
  },
  async show(loaded) {
    useStore.setState({ fleet: loaded ? fleet : null });
    await frames(4);
  },
  async setBlank(blank) {
    render(blank);
    await frames(4);
  },
  async firstPaint() {
    if (!fleet) throw new Error('bench: generate the fleet first');
    useStore.setState({ fleet: null });
    const data = fleet;
    return firstPaint(() => useStore.setState({ fleet: data }), '.m-cell', interval);
  },
  scroll: (o) => scrollRun(scroller(), o),
  model(n) {
    if (!fleet) throw new Error('bench: generate the fleet first');
    const t0 = performance.now();
    const m = buildMatrix(fleet, EMPTY_FILTERS, 'tenant-asc');
    const t1 = performance.now();
    for (const r of m.rows.slice(0, n)) if (r.kind === 'tenant') m.cells.get(r.tenant.key);
    return { buildMs: t1 - t0, firstRowsMs: performance.now() - t1 };
  },
};

document.documentElement.dataset['theme'] = 'dark';
render(false);
window.tenantryBench = api;
