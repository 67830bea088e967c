// The change feed of a deployment and the state a client mirrors from it. Every state change (catalog, tenants,
// installs, archives, the operation log) is appended to the deployment's feed with a sequence number, in the same
// transaction as the change. A client takes a snapshot once, then applies changes in seq order with applyChange()
// and ends with exactly the server's snapshot at that seq: each change carries the whole new entity, so nothing is
// reloaded. Pure TypeScript + zod.
import { z } from 'zod';
import { compareVersions } from '../domain/version.js';
import { ArchiveEntrySchema, CatalogEntrySchema, LogEntrySchema, TenantStateSchema } from './operations.js';

/** How many operation-log entries the mirror holds (the newest by log seq). */
export const LOG_WINDOW = 100;
/** How many changes a deployment keeps; older ones are pruned (a client that far behind takes a new snapshot). */
export const DEFAULT_CHANGE_RETENTION = 10_000;
export const MAX_CHANGES_PAGE = 10_000;

export const DeploymentMirrorSchema = z.object({
  name: z.string(),
  application: z.object({ name: z.string(), publisher: z.string(), version: z.string() }),
});
export type DeploymentMirror = z.infer<typeof DeploymentMirrorSchema>;

/** A catalog entry without tenantCount (a client counts from the tenants it mirrors). */
export const CatalogMirrorEntrySchema = CatalogEntrySchema.omit({ tenantCount: true });
export type CatalogMirrorEntry = z.infer<typeof CatalogMirrorEntrySchema>;

/** The archive index as mirrored: without bytes (measured on demand by archive.list, not part of any change). */
export const ArchiveIndexEntrySchema = ArchiveEntrySchema.omit({ bytes: true });
export type ArchiveIndexEntry = z.infer<typeof ArchiveIndexEntrySchema>;

export const TenantMirrorAppSchema = z.object({ id: z.string(), version: z.string(), dataVersion: z.string(), syncState: z.string() });

export const TenantMirrorSchema = z.object({
  id: z.string(),
  alternateIds: z.array(z.string()),
  state: TenantStateSchema,
  failedOperation: z.string().nullable(),
  applicationVersion: z.string(),
  companies: z.array(z.string()),
  createdAt: z.string(),
  mountedAt: z.string().nullable(),
  version: z.number().int(),
  /** Sorted by app id. */
  apps: z.array(TenantMirrorAppSchema),
  /** Sorted by archive id. */
  archives: z.array(ArchiveIndexEntrySchema),
});
export type TenantMirror = z.infer<typeof TenantMirrorSchema>;

/** A log entry with its position in the deployment's log (the window keeps the LOG_WINDOW highest). */
export const LogMirrorEntrySchema = LogEntrySchema.extend({ seq: z.number().int() });
export type LogMirrorEntry = z.infer<typeof LogMirrorEntrySchema>;

const ChangeBase = { seq: z.number().int().min(1), at: z.string(), tenantId: z.string().optional(), appId: z.string().optional() };

export const ChangeSchema = z.discriminatedUnion('kind', [
  z.object({ ...ChangeBase, kind: z.literal('deployment'), data: DeploymentMirrorSchema }),
  z.object({ ...ChangeBase, kind: z.literal('app.upserted'), data: CatalogMirrorEntrySchema }),
  z.object({ ...ChangeBase, kind: z.literal('app.removed'), data: z.object({ id: z.string(), version: z.string() }) }),
  z.object({ ...ChangeBase, kind: z.literal('tenant.upserted'), data: TenantMirrorSchema }),
  z.object({ ...ChangeBase, kind: z.literal('tenant.removed'), data: z.object({ id: z.string() }) }),
  z.object({ ...ChangeBase, kind: z.literal('log.upserted'), data: LogMirrorEntrySchema }),
]);
export type Change = z.infer<typeof ChangeSchema>;
export type ChangeKind = Change['kind'];
/** What the engine appends (seq and at are given by the feed). */
export type ChangeDraft = Change extends infer C ? (C extends Change ? Omit<C, 'seq' | 'at'> : never) : never;

export const ChangesQuerySchema = z
  .object({
    since: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(MAX_CHANGES_PAGE).default(1000),
  })
  .strict();

export const ChangesPageSchema = z.object({
  changes: z.array(ChangeSchema),
  /** The newest seq of the feed (0 when nothing was ever appended). */
  latest: z.number().int(),
  /** The changes after `since` are no longer all kept (or `since` is ahead of the feed): take a snapshot. */
  snapshotRequired: z.boolean(),
});
export type ChangesPage = z.infer<typeof ChangesPageSchema>;

export const SnapshotSchema = z.object({
  /** The state after applying every change up to and including this seq. */
  seq: z.number().int(),
  deployment: DeploymentMirrorSchema,
  /** Sorted by compareCatalogEntries. */
  catalog: z.array(CatalogMirrorEntrySchema),
  /** Sorted by id. */
  tenants: z.array(TenantMirrorSchema),
  /** The newest LOG_WINDOW entries, newest first. */
  log: z.array(LogMirrorEntrySchema),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

/** The catalog's canonical order: name (case-insensitive), then id, then version. */
export function compareCatalogEntries(a: { name: string; id: string; version: string }, b: { name: string; id: string; version: string }): number {
  const an = a.name.toLowerCase();
  const bn = b.name.toLowerCase();
  if (an !== bn) return an < bn ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return compareVersions(a.version, b.version);
}

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Applies one change to a mirrored snapshot and returns the new snapshot (the input is not modified). Changes must
 * come in seq order; one at or below the snapshot's seq is ignored, so replaying an overlap is harmless.
 */
export function applyChange(state: Snapshot, change: Change): Snapshot {
  if (change.seq <= state.seq) return state;
  const next: Snapshot = { ...state, seq: change.seq };
  switch (change.kind) {
    case 'deployment':
      next.deployment = change.data;
      break;
    case 'app.upserted': {
      const d = change.data;
      next.catalog = [...state.catalog.filter((e) => !(e.id === d.id && e.version === d.version)), d].sort(compareCatalogEntries);
      break;
    }
    case 'app.removed':
      next.catalog = state.catalog.filter((e) => !(e.id === change.data.id && e.version === change.data.version));
      break;
    case 'tenant.upserted':
      next.tenants = [...state.tenants.filter((t) => t.id !== change.data.id), change.data].sort(byId);
      break;
    case 'tenant.removed':
      next.tenants = state.tenants.filter((t) => t.id !== change.data.id);
      break;
    case 'log.upserted': {
      const e = change.data;
      next.log = [...state.log.filter((x) => x.opId !== e.opId), e].sort((a, b) => b.seq - a.seq).slice(0, LOG_WINDOW);
      break;
    }
  }
  return next;
}

/** Applies a page of changes in order. */
export function applyChanges(state: Snapshot, changes: readonly Change[]): Snapshot {
  let s = state;
  for (const c of changes) s = applyChange(s, c);
  return s;
}

/**
 * Applies one page of GET /changes asked with `limit`. A page shorter than `limit` holds every change up to
 * `latest` (the server reads both at once), so the mirror is then at `latest` even when the last changes were not
 * visible to this reader. Returns the new state and whether the reader is caught up.
 */
export function applyPage(state: Snapshot, page: ChangesPage, limit: number): { state: Snapshot; caughtUp: boolean } {
  if (page.snapshotRequired) throw new Error('applyPage: the feed no longer holds these changes; take a snapshot');
  const next = applyChanges(state, page.changes);
  const caughtUp = page.changes.length < limit;
  return { state: caughtUp && page.latest > next.seq ? { ...next, seq: page.latest } : next, caughtUp };
}
