// The platform's domain model: pure TypeScript shared by the platform, the console and the renderer.
export * from './version.js';
export * from './manifest.js';
export * from './objects.js';
export * from './app-definition.js';
export * from './dependency-graph.js';
