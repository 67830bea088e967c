// A server as one side of a move: the RemoteClient already speaks the contract and the tenant file routes.
import type { RemoteClient } from './client.js';
import type { MoveSide } from './move.js';

export function remoteSide(client: RemoteClient): MoveSide {
  return {
    label: client.url,
    invoke: (op, input) => client.invoke(op, input),
    downloadTenantFile: (tenantId) => client.downloadTenantFile(tenantId),
    uploadTenantFile: (tenantId, body, meta) => client.uploadTenantFile(tenantId, body, meta),
  };
}
