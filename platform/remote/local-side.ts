// A local deployment (an open Deployment in this process) as one side of a move with a server on the other side:
// the contract through Deployment.invoke, and the tenant file read from and written into its folder directly.
import type { Readable } from 'node:stream';
import type { OperationInput, OperationName, OperationOutput, TenantSummary } from '../../shared/api/operations.js';
import type { Deployment } from '../engine/deployment.js';
import { receiveTenantFile, sendTenantFile } from '../engine/tenant-transfer.js';
import type { MoveSide } from './move.js';

export function localSide(d: Deployment, opts: { actor?: string } = {}): MoveSide {
  return {
    label: d.folder,
    invoke<N extends OperationName>(op: N, input: OperationInput<N>): Promise<OperationOutput<N>> {
      return d.invoke(op, input);
    },
    async downloadTenantFile(tenantId: string): Promise<{ stream: Readable; sha256: string; size: number }> {
      const f = sendTenantFile(d, tenantId);
      return { stream: f.stream, sha256: f.sha256, size: f.size };
    },
    uploadTenantFile(tenantId: string, body: Readable, meta: { sha256: string; size: number; moveId?: string }): Promise<TenantSummary> {
      return receiveTenantFile(d, body, {
        tenantId,
        sha256: meta.sha256,
        size: meta.size,
        ...(meta.moveId !== undefined ? { moveId: meta.moveId } : {}),
        ...(opts.actor !== undefined ? { actor: opts.actor } : {}),
      });
    },
  };
}
