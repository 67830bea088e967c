// What changes in a tenant's schema between two versions of one extension, and which changes lose data.
import type { AppDefinition } from './app-definition.js';
import type { Application } from './objects.js';

export interface SchemaChange {
  kind:
    | 'table-added'
    | 'table-removed'
    | 'field-added'
    | 'field-removed'
    | 'field-type-changed'
    | 'field-length-narrowed'
    | 'field-length-widened'
    | 'field-renamed'
    | 'key-changed';
  table: string;
  tableId: number;
  field?: string;
  fieldId?: number;
  from?: string;
  to?: string;
  destructive: boolean;
  description: string;
}

export function diffAppSchema(from: AppDefinition | null, to: AppDefinition | null, application: Application): SchemaChange[] {
  void from;
  void to;
  void application;
  return [];
}
