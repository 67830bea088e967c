// The management API contract: operations, inputs, results, error codes, change events.
export * from './errors.js';
