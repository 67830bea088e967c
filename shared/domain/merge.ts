// The merged view a tenant sees: the application's objects with every installed extension applied,
// each object, field, control, enum value and changed property tagged with the app that owns it
// (NAV's AllObj with "App Package ID"). Pure: used by the engine and by the console's previews.
import type { AppDefinition } from './app-definition.js';
import type { Application, Codeunit, FieldProperties, FieldType, ObjectType, PermissionSet } from './objects.js';

export interface MergedField {
  id: number;
  name: string;
  type: FieldType;
  length?: number;
  enum?: string;
  options?: string[];
  ownerAppId: string;
  properties: FieldProperties;
  /** property -> appId that set it */
  propertyOwners: Record<string, string>;
}
export interface MergedTable {
  id: number;
  name: string;
  caption?: string;
  ownerAppId: string;
  dataPerCompany: boolean;
  fields: MergedField[];
  /** field names */
  primaryKey: string[];
  /** appIds adding fields */
  extendedBy: string[];
}
export interface MergedControl {
  name: string;
  field?: string;
  ownerAppId: string;
  properties: Record<string, unknown>;
  propertyOwners: Record<string, string>;
}
export interface MergedPage {
  id: number;
  name: string;
  pageType: string;
  sourceTable?: string;
  ownerAppId: string;
  controls: MergedControl[];
  extendedBy: string[];
}
export interface MergedEnum {
  id: number;
  name: string;
  ownerAppId: string;
  extensible: boolean;
  values: { id: number; name: string; caption?: string; ownerAppId: string }[];
}
export interface MergedObject {
  type: ObjectType;
  id: number;
  name: string;
  ownerAppId: string;
  extends?: string;
}
export interface RegisteredSubscriber {
  ownerAppId: string;
  appName: string;
  codeunitId: number;
  codeunit: string;
  name: string;
  event: string;
  table?: string;
  stage: 'pre-validation' | 'pre-operation' | 'post-operation';
  order: number;
  action?: unknown;
}
export interface MergedView {
  tables: MergedTable[];
  pages: MergedPage[];
  enums: MergedEnum[];
  objects: MergedObject[];
  permissionSets: (PermissionSet & { ownerAppId: string })[];
  /** sorted by event, table, stage (pre-validation < pre-operation < post-operation), order, appName */
  subscribers: RegisteredSubscriber[];
  codeunits: (Codeunit & { ownerAppId: string })[];
}

export function mergeView(application: Application, installed: readonly AppDefinition[]): MergedView {
  void application;
  void installed;
  return { tables: [], pages: [], enums: [], objects: [], permissionSets: [], subscribers: [], codeunits: [] };
}

export function findTable(view: MergedView, name: string): MergedTable | undefined {
  const key = name.toLowerCase();
  return view.tables.find((t) => t.name.toLowerCase() === key);
}
