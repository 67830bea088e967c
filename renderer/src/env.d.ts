// Module declarations for assets Vite bundles.
declare module '*.css';
