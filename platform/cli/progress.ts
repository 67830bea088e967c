// Progress lines of a server job for stderr: one per tenant done (and the job's start and end); the engine's
// steps inside a tenant only with TENANTRY_VERBOSE, since a fleet install would print thousands.
import type { RemoteJobEvent } from '../../shared/api/jobs.js';

export function describeJobEvent(e: RemoteJobEvent, verbose = process.env['TENANTRY_VERBOSE'] === '1'): string | null {
  switch (e.type) {
    case 'state':
      return e.state === 'running' ? `job started: ${e.total} step(s)` : `job ${e.state ?? 'ended'} (${e.done}/${e.total})`;
    case 'tenant-finished':
      return `[${e.done}/${e.total}] ${e.tenantId ?? ''}: ${e.ok ? 'done' : `failed ${e.error?.code ?? ''}`}`;
    case 'step':
      return verbose ? `  ${e.tenantId ?? ''} ${e.step ?? ''}` : null;
    default:
      return null;
  }
}
