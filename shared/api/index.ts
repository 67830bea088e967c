// The management API contract: operations, inputs, results, error codes, change events.
export * from './errors.js';
export * from './operations.js';
export * from './console.js';
export * from './changes.js';
export * from './jobs.js';
export * from './http.js';
