// Worker bootstrap for development and tests: registers tsx inside the worker thread (a parent's
// `--import tsx` does not carry its loader hooks into workers on Node 20), then loads the TypeScript worker.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
