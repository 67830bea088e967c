// The console's one zustand store, made of feature slices: navigation and theme, connections, the fleet
// snapshot, the matrix (filters, sort, selection), and jobs. Actions are named for what happened.
import { create } from 'zustand';
import type { Connection, FleetSnapshot, JobDetail, JobEvent } from '../../../shared/api/console.js';
import { ApiError, call } from '../lib/api.js';
import { applyJobEvent, applyJobRead } from '../lib/jobs.js';

export type View =
  | { name: 'matrix' }
  | { name: 'overview'; connectionId?: string }
  | { name: 'connections' }
  | { name: 'tenant'; connectionId: string; tenantId: string }
  | { name: 'jobs' }
  | { name: 'audit' }
  | { name: 'archive'; appId?: string }
  /** the move wizard, optionally with the source and tenants chosen (from the matrix) */
  | { name: 'moves'; sourceId?: string; tenantIds?: string[] }
  /** the upgrade wizard, optionally with the extension and tenants chosen (from the matrix) */
  | { name: 'upgrade'; appId?: string; targets?: { connectionId: string; tenantId: string }[] };

export type Theme = 'dark' | 'light';

export interface MatrixFilters {
  deployment: string;
  state: string;
  extension: string;
  publisher: string;
  hasUpgrade: boolean;
  failed: boolean;
  search: string;
}

export type MatrixSort = 'tenant-asc' | 'tenant-desc' | 'installed-desc' | 'state';

export const EMPTY_FILTERS: MatrixFilters = {
  deployment: 'all',
  state: 'all',
  extension: 'all',
  publisher: 'all',
  hasUpgrade: false,
  failed: false,
  search: '',
};

/** A selected cell: tenant key + extension id. */
export const cellKey = (tenantKey: string, appId: string): string => `${tenantKey}\u0000${appId}`;
export const splitCellKey = (k: string): [string, string] => k.split('\u0000') as [string, string];

interface UiSlice {
  view: View;
  theme: Theme;
  paletteOpen: boolean;
  toast: { kind: 'ok' | 'error'; text: string } | null;
  navigated(view: View): void;
  themeToggled(): void;
  paletteToggled(open?: boolean): void;
  toastShown(kind: 'ok' | 'error', text: string): void;
  toastDismissed(): void;
}

interface ConnectionsSlice {
  connections: Connection[];
  connectionsLoaded: boolean;
  connectionsRequested(): Promise<void>;
}

interface FleetSlice {
  fleet: FleetSnapshot | null;
  fleetLoading: boolean;
  fleetError: string | null;
  fleetRequested(): Promise<void>;
}

interface MatrixSlice {
  filters: MatrixFilters;
  sort: MatrixSort;
  selection: ReadonlySet<string>;
  filtersChanged(patch: Partial<MatrixFilters>): void;
  filtersCleared(): void;
  sortChanged(sort: MatrixSort): void;
  selectionChanged(keys: ReadonlySet<string>): void;
}

interface JobsSlice {
  jobs: Record<string, JobDetail>;
  jobEventReceived(e: JobEvent): void;
  jobLoaded(job: JobDetail): void;
}

export type Store = UiSlice & ConnectionsSlice & FleetSlice & MatrixSlice & JobsSlice;

function initialTheme(): Theme {
  const saved = localStorage.getItem('tenantry.theme');
  if (saved === 'dark' || saved === 'light') return saved;
  return window.matchMedia?.('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

const message = (e: unknown): string => (e instanceof ApiError || e instanceof Error ? e.message : String(e));

export const useStore = create<Store>()((set, get) => ({
  // ui
  view: { name: 'matrix' },
  theme: initialTheme(),
  paletteOpen: false,
  toast: null,
  navigated: (view) => set({ view, paletteOpen: false }),
  themeToggled: () => {
    const theme: Theme = get().theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem('tenantry.theme', theme);
    set({ theme });
  },
  paletteToggled: (open) => set({ paletteOpen: open ?? !get().paletteOpen }),
  toastShown: (kind, text) => set({ toast: { kind, text } }),
  toastDismissed: () => set({ toast: null }),

  // connections
  connections: [],
  connectionsLoaded: false,
  connectionsRequested: async () => {
    try {
      set({ connections: await call('connections.list', {}), connectionsLoaded: true });
    } catch (e) {
      set({ connectionsLoaded: true });
      get().toastShown('error', message(e));
    }
  },

  // fleet
  fleet: null,
  fleetLoading: false,
  fleetError: null,
  fleetRequested: async () => {
    set({ fleetLoading: true });
    try {
      const fleet = await call('fleet.snapshot', { refresh: true });
      set({ fleet, fleetLoading: false, fleetError: null });
    } catch (e) {
      set({ fleetLoading: false, fleetError: message(e) });
    }
  },

  // matrix
  filters: EMPTY_FILTERS,
  sort: 'tenant-asc',
  selection: new Set(),
  filtersChanged: (patch) => set({ filters: { ...get().filters, ...patch } }),
  filtersCleared: () => set({ filters: EMPTY_FILTERS }),
  sortChanged: (sort) => set({ sort }),
  selectionChanged: (selection) => set({ selection }),

  // jobs
  jobs: {},
  jobEventReceived: (e) => set({ jobs: { ...get().jobs, [e.job.id]: applyJobEvent(get().jobs[e.job.id], e) } }),
  jobLoaded: (job) => set({ jobs: { ...get().jobs, [job.id]: applyJobRead(get().jobs[job.id], job) } }),
}));
