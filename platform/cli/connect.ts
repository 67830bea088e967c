// connect(): from a --deployment argument to an Invoker of the management contract. Every verb that works
// on one deployment goes through invoke(op, input), so pointing the CLI at a remote deployment later is a
// new branch here and nothing else.
import { TenantryError } from '../../shared/api/index.js';
import type { Deployment } from '../engine/deployment.js';
import type { Connection } from './context.js';

export async function connect(target: string): Promise<Connection> {
  if (/^https?:\/\//i.test(target)) {
    throw new TenantryError('UNAVAILABLE', `remote deployment ${target}: the CLI talks to local deployment folders only (for now)`, { target });
  }
  const deployment = await openLocal(target);
  return {
    target,
    invoke: (op, input) => deployment.invoke(op, input),
    close: () => deployment.close(),
  };
}

/** The local engine itself, for the verbs that need more than the contract (tenant move between two folders). */
export async function openLocal(folder: string): Promise<Deployment> {
  // Loaded on first use: help and usage errors do not pay for loading the engine.
  const { Deployment } = await import('../engine/deployment.js');
  return Deployment.open(folder);
}
