// Conflicts between extensions installed side by side in one tenant: two extensions changing the same
// property, adding the same field / control / enum value, or declaring the same object id or name.
import type { AppDefinition } from './app-definition.js';
import type { Application } from './objects.js';

export interface AppRef {
  id: string;
  name: string;
  publisher: string;
  version: string;
}
export interface Conflict {
  kind: 'property' | 'field-id' | 'field-name' | 'object-id' | 'object-name' | 'enum-value' | 'control';
  objectType: string;
  object: string;
  member?: string;
  property?: string;
  first: AppRef;
  second: AppRef;
  message: string;
}

export function findConflicts(candidate: AppDefinition, installed: readonly AppDefinition[], application: Application): Conflict[] {
  void candidate;
  void installed;
  void application;
  return [];
}
