// The management API contract: operations, inputs, results, error codes, change events.
export * from './errors.js';
export * from './operations.js';
export * from './console.js';
