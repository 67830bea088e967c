// A driver runs operations of the management contract on one deployment: the local engine in a worker
// thread, or a remote server over HTTP. The console's services only ever see this interface.
import type { Invoker } from '../../../shared/api/operations.js';

export interface Driver extends Invoker {
  readonly kind: 'local' | 'remote';
  close(): Promise<void>;
}
