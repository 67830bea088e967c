// The merged view a tenant sees: the application's objects with every installed extension applied,
// each object, field, control, enum value and changed property tagged with the app that owns it
// (NAV's AllObj with "App Package ID"). Pure: used by the engine and by the console's previews.
import type { AppDefinition } from './app-definition.js';
import { dependencyOrder } from './dependency-graph.js';
import type { AppObject, Application, Codeunit, Field, FieldProperties, FieldType, ObjectType, PageExtension, PermissionSet } from './objects.js';

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
  /** The group the control sits in, when it declares one. */
  group?: string;
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

const FIELD_PROPERTIES = ['caption', 'description', 'editable', 'notBlank', 'initValue'] as const;
const CONTROL_PROPERTIES = ['caption', 'visible', 'editable', 'importance'] as const;
const STAGE_RANK: Record<RegisteredSubscriber['stage'], number> = { 'pre-validation': 0, 'pre-operation': 1, 'post-operation': 2 };

const key = (name: string): string => name.toLowerCase();

function pickProperties<K extends string>(
  source: Partial<Record<K, unknown>>,
  names: readonly K[],
  ownerAppId: string,
): { properties: Record<string, unknown>; propertyOwners: Record<string, string> } {
  const properties: Record<string, unknown> = {};
  const propertyOwners: Record<string, string> = {};
  for (const p of names) {
    const v = source[p];
    if (v !== undefined) {
      properties[p] = v;
      propertyOwners[p] = ownerAppId;
    }
  }
  return { properties, propertyOwners };
}

function mergedField(f: Field, ownerAppId: string): MergedField {
  const { properties, propertyOwners } = pickProperties(f, FIELD_PROPERTIES, ownerAppId);
  const out: MergedField = { id: f.id, name: f.name, type: f.type, ownerAppId, properties: properties as FieldProperties, propertyOwners };
  if (f.length !== undefined) out.length = f.length;
  if (f.enum !== undefined) out.enum = f.enum;
  if (f.options !== undefined) out.options = [...f.options];
  return out;
}

function mergedControl(
  c: { name: string; field?: string | undefined; group?: string | undefined } & Partial<Record<(typeof CONTROL_PROPERTIES)[number], unknown>>,
  ownerAppId: string,
): MergedControl {
  const { properties, propertyOwners } = pickProperties(c, CONTROL_PROPERTIES, ownerAppId);
  const out: MergedControl = { name: c.name, ownerAppId, properties, propertyOwners };
  if (c.field !== undefined) out.field = c.field;
  if (c.group !== undefined) out.group = c.group;
  return out;
}

/** Places an extension's control where its anchor says; an anchor to an unknown control appends (compile reports it). */
function placeControl(controls: MergedControl[], control: MergedControl, anchor: PageExtension['controls'][number]['anchor']): void {
  if (!anchor || anchor.position === 'last') {
    controls.push(control);
    return;
  }
  if (anchor.position === 'first') {
    controls.unshift(control);
    return;
  }
  const at = anchor.control === undefined ? -1 : controls.findIndex((c) => key(c.name) === key(anchor.control ?? ''));
  if (at < 0) controls.push(control);
  else controls.splice(anchor.position === 'before' ? at : at + 1, 0, control);
}

function objectEntry(o: AppObject, ownerAppId: string): MergedObject {
  const out: MergedObject = { type: o.type, id: o.id, name: o.name, ownerAppId };
  if (o.type === 'tableextension' || o.type === 'pageextension' || o.type === 'enumextension') out.extends = o.extends;
  return out;
}

/**
 * The view a tenant sees with `installed` applied on top of `application`. Installed extensions are
 * applied in dependency order, so an extension of a dependency's table finds it. Assumes the set was
 * checked for conflicts; a later extension changing the same property would simply win. Extensions of
 * objects that are not in the view are listed in `objects` but change nothing.
 * Inputs are not modified.
 */
export function mergeView(application: Application, installed: readonly AppDefinition[]): MergedView {
  const view: MergedView = { tables: [], pages: [], enums: [], objects: [], permissionSets: [], subscribers: [], codeunits: [] };
  const tables = new Map<string, MergedTable>();
  const pages = new Map<string, MergedPage>();
  const enums = new Map<string, MergedEnum>();
  const appNames = new Map<string, string>([['', application.name]]);

  const addObject = (o: AppObject, ownerAppId: string): void => {
    view.objects.push(objectEntry(o, ownerAppId));
    switch (o.type) {
      case 'table': {
        const fields = o.fields.map((f) => mergedField(f, ownerAppId));
        const byName = new Map(fields.map((f) => [key(f.name), f.name]));
        const t: MergedTable = {
          id: o.id,
          name: o.name,
          ownerAppId,
          dataPerCompany: o.dataPerCompany,
          fields,
          primaryKey: (o.keys[0]?.fields ?? []).map((n) => byName.get(key(n)) ?? n),
          extendedBy: [],
        };
        if (o.caption !== undefined) t.caption = o.caption;
        view.tables.push(t);
        if (!tables.has(key(o.name))) tables.set(key(o.name), t);
        break;
      }
      case 'tableextension': {
        const t = tables.get(key(o.extends));
        if (!t) break;
        for (const f of o.fields) t.fields.push(mergedField(f, ownerAppId));
        if (o.fields.length > 0 && !t.extendedBy.includes(ownerAppId)) t.extendedBy.push(ownerAppId);
        for (const m of o.modify) {
          const f = t.fields.find((x) => key(x.name) === key(m.field));
          if (!f) continue;
          for (const p of FIELD_PROPERTIES) {
            const v = m.properties[p];
            if (v === undefined) continue;
            (f.properties as Record<string, unknown>)[p] = v;
            f.propertyOwners[p] = ownerAppId;
          }
        }
        break;
      }
      case 'page': {
        const p: MergedPage = {
          id: o.id,
          name: o.name,
          pageType: o.pageType,
          ownerAppId,
          controls: o.controls.map((c) => mergedControl(c, ownerAppId)),
          extendedBy: [],
        };
        if (o.sourceTable !== undefined) p.sourceTable = o.sourceTable;
        view.pages.push(p);
        if (!pages.has(key(o.name))) pages.set(key(o.name), p);
        break;
      }
      case 'pageextension': {
        const p = pages.get(key(o.extends));
        if (!p) break;
        for (const c of o.controls) placeControl(p.controls, mergedControl(c, ownerAppId), c.anchor);
        for (const m of o.modify) {
          const c = p.controls.find((x) => key(x.name) === key(m.control));
          if (!c) continue;
          for (const prop of CONTROL_PROPERTIES) {
            const v = m.properties[prop];
            if (v === undefined) continue;
            c.properties[prop] = v;
            c.propertyOwners[prop] = ownerAppId;
          }
        }
        if ((o.controls.length > 0 || o.modify.length > 0) && !p.extendedBy.includes(ownerAppId)) p.extendedBy.push(ownerAppId);
        break;
      }
      case 'enum': {
        const e: MergedEnum = {
          id: o.id,
          name: o.name,
          ownerAppId,
          extensible: o.extensible,
          values: o.values.map((v) =>
            v.caption === undefined ? { id: v.id, name: v.name, ownerAppId } : { id: v.id, name: v.name, caption: v.caption, ownerAppId },
          ),
        };
        view.enums.push(e);
        if (!enums.has(key(o.name))) enums.set(key(o.name), e);
        break;
      }
      case 'enumextension': {
        const e = enums.get(key(o.extends));
        if (!e) break;
        for (const v of o.values)
          e.values.push(v.caption === undefined ? { id: v.id, name: v.name, ownerAppId } : { id: v.id, name: v.name, caption: v.caption, ownerAppId });
        break;
      }
      case 'permissionset':
        view.permissionSets.push({ ...o, permissions: o.permissions.map((p) => ({ ...p })), ownerAppId });
        break;
      case 'codeunit': {
        view.codeunits.push({ ...o, subscribers: o.subscribers.map((s) => ({ ...s })), install: [...o.install], upgrade: [...o.upgrade], ownerAppId });
        for (const s of o.subscribers) {
          const r: RegisteredSubscriber = {
            ownerAppId,
            appName: appNames.get(ownerAppId) ?? '',
            codeunitId: o.id,
            codeunit: o.name,
            name: s.name,
            event: s.event,
            stage: s.stage,
            order: s.order,
          };
          if (s.table !== undefined) r.table = s.table;
          if (s.action !== undefined) r.action = { ...s.action };
          view.subscribers.push(r);
        }
        break;
      }
    }
  };

  for (const o of application.objects) addObject(o, '');
  const ordered = dependencyOrder(installed.map((def) => ({ id: def.manifest.id, name: def.manifest.name, dependencies: def.manifest.dependencies, def })));
  for (const { def } of ordered) {
    const owner = def.manifest.id.toLowerCase();
    appNames.set(owner, def.manifest.name);
    for (const o of def.objects) addObject(o, owner);
  }
  view.subscribers.sort(compareSubscribers);
  return view;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Execution order of subscribers: by event, table, stage, order, then app name so ties are deterministic. */
export function compareSubscribers(a: RegisteredSubscriber, b: RegisteredSubscriber): number {
  return (
    cmp(a.event, b.event) ||
    cmp(key(a.table ?? ''), key(b.table ?? '')) ||
    STAGE_RANK[a.stage] - STAGE_RANK[b.stage] ||
    a.order - b.order ||
    cmp(key(a.appName), key(b.appName)) ||
    cmp(key(a.codeunit), key(b.codeunit)) ||
    cmp(key(a.name), key(b.name))
  );
}

export function findTable(view: MergedView, name: string): MergedTable | undefined {
  const k = key(name);
  return view.tables.find((t) => key(t.name) === k);
}
