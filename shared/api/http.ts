// The HTTP binding of the management contract (what platform/server serves and platform/remote calls): routes,
// headers, the response envelope and the HTTP status of each error code. Pure TypeScript + zod.
import { TenantryError } from './errors.js';
import { z } from 'zod';
import type { ErrorCode } from './errors.js';
import { ErrorInfoSchema, type OperationName } from './operations.js';

export const API_PREFIX = '/api/v1';

export const ROUTES = {
  health: '/health',
  /** POST, JSON body = the operation's input. */
  op: (name: OperationName | string): string => `${API_PREFIX}/op/${name}`,
  /** POST {operation, input} -> 202 {jobId}. */
  jobs: `${API_PREFIX}/jobs`,
  job: (id: string): string => `${API_PREFIX}/jobs/${encodeURIComponent(id)}`,
  /** GET, text/event-stream; replays after Last-Event-ID (or ?after=N). */
  jobEvents: (id: string): string => `${API_PREFIX}/jobs/${encodeURIComponent(id)}/events`,
  jobCancel: (id: string): string => `${API_PREFIX}/jobs/${encodeURIComponent(id)}/cancel`,
  /** GET ?since=N&limit=L */
  changes: `${API_PREFIX}/changes`,
  snapshot: `${API_PREFIX}/snapshot`,
  /** GET streams a dismounted tenant's database file; PUT receives one (staged dismounted, then tenant.mount). */
  tenantFile: (tenantId: string): string => `${API_PREFIX}/tenants/${encodeURIComponent(tenantId)}/file`,
} as const;

export const HEADERS = {
  /** Hex SHA-256 of a tenant file, on GET (computed by the server) and PUT (checked by the server). */
  sha256: 'x-tenantry-sha256',
  /** PUT of a tenant file as part of a move: the source's move id (lets the destination discard it if the move is undone). */
  moveId: 'x-tenantry-move-id',
  actor: 'x-tenantry-actor',
  /** On writes and job starts: one key per request over all its attempts; a retry gets the first answer
   *  (the IETF httpapi draft "The Idempotency-Key HTTP Header Field"). */
  idempotencyKey: 'idempotency-key',
  /** On an answer that is the replay of an earlier one with the same Idempotency-Key. */
  replayed: 'idempotent-replayed',
} as const;

export const TENANT_FILE_CONTENT_TYPE = 'application/octet-stream';

export const ResponseEnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ErrorInfoSchema }),
]);
export type ResponseEnvelope = z.infer<typeof ResponseEnvelopeSchema>;

const CONFLICTS: readonly ErrorCode[] = [
  'STALE_VERSION',
  'TENANT_EXISTS',
  'TENANT_STATE',
  'ALREADY_PUBLISHED',
  'ALREADY_INSTALLED',
  'APP_IN_USE',
  'HAS_DEPENDENTS',
  'CONFLICT',
  'RECORD_EXISTS',
  'CANCELLED',
];

/**
 * BAD_INPUT 400, UNAUTHORIZED 401, FORBIDDEN 403, *NOT_FOUND 404, conflicts (STALE_VERSION, TENANT_EXISTS, ...) 409,
 * OVERLOADED 429, INTERNAL 500, UNAVAILABLE 503; every other refusal (a package that does not compile, a move whose
 * pre-check fails ...) 422.
 */
export function httpStatusOf(code: string): number {
  if (code === 'BAD_INPUT') return 400;
  if (code === 'UNAUTHORIZED') return 401;
  if (code === 'FORBIDDEN') return 403;
  if (code.endsWith('NOT_FOUND')) return 404;
  if ((CONFLICTS as readonly string[]).includes(code)) return 409;
  if (code === 'OVERLOADED') return 429;
  if (code === 'INTERNAL') return 500;
  if (code === 'UNAVAILABLE') return 503;
  return 422;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i;

/** Loopback hosts: plain HTTP to them never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

/**
 * The one transport rule for every client of a deployment server (the CLI, the console): https anywhere; plain http
 * only to this machine (loopback), unless the person allowed it (`howToAllow` says how, in their client's words),
 * because the token would travel in clear. Returns the URL as `parse` (the runtime's URL) reads it; throws BAD_INPUT
 * naming the URL (and `field`). shared/ has no URL type of its own, hence `parse`.
 */
export function checkTransportUrl<U extends { protocol: string; hostname: string }>(
  url: string,
  allowInsecure: boolean,
  how: { howToAllow: string; field?: string; parse: (url: string) => U },
): U {
  const at = how.field ? `${how.field}: ` : '';
  let u: U;
  try {
    u = how.parse(url);
  } catch {
    throw new TenantryError('BAD_INPUT', `${at}"${url}" is not a URL such as https://erp.example.com:7049`, { url });
  }
  if (u.protocol === 'https:') return u;
  if (u.protocol !== 'http:') throw new TenantryError('BAD_INPUT', `${at}${url} must start with https:// (or http:// on this machine)`, { url });
  if (!isLoopbackHost(u.hostname) && !allowInsecure) {
    throw new TenantryError(
      'BAD_INPUT',
      `${at}${url} uses plain http to ${u.hostname}, which is not this machine: the token would travel in clear; use https, or ${how.howToAllow}`,
      { url },
    );
  }
  return u;
}

/** Token scopes: read tokens call read operations only; admin tokens everything. Either may be limited to tenants. */
export const TokenScopeSchema = z.enum(['read', 'admin']);
export type TokenScope = z.infer<typeof TokenScopeSchema>;
