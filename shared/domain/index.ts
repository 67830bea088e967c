// The platform's domain model: pure TypeScript shared by the platform, the console and the renderer.
export * from './version.js';
export * from './manifest.js';
export * from './objects.js';
export * from './app-definition.js';
export * from './dependency-graph.js';
export * from './merge.js';
export * from './conflicts.js';
export * from './compile.js';
export * from './schema-diff.js';
export * from './tenant-state.js';
export * from './plans.js';
export * from './move-precheck.js';
