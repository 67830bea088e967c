// Conflicts between extensions installed side by side in one tenant (NAV: "two apps try to modify the
// same object properties", and the install fails). Found between a candidate and each installed
// extension with another app id: both change the same property of the same field or control, both add
// a field (same id or name) to the same table or a control (same name) to the same page or a value
// (same id or name) to the same enum, or both declare an object of the same type with the same id or
// name. A field, control or enum value the candidate adds is also checked against the members the
// object already has from the application or from the extension that owns the object.
// Names compare case-insensitively. Messages name both extensions, the object, the member, the property.
import type { AppDefinition } from './app-definition.js';
import { describeApp } from './manifest.js';
import type { AppObject, Application } from './objects.js';

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

/** The AppRef of an extension; ids are lower-case. */
export function toAppRef(def: AppDefinition | { manifest: { id: string; name: string; publisher: string; version: string } }): AppRef {
  const m = def.manifest;
  return { id: m.id.toLowerCase(), name: m.name, publisher: m.publisher, version: m.version };
}

/** The base application as an AppRef: its id is ''. */
export function applicationRef(application: Pick<Application, 'name' | 'publisher' | 'version'>): AppRef {
  return { id: '', name: application.name, publisher: application.publisher, version: application.version };
}

const key = (s: string): string => s.toLowerCase();

/** What an app contributes to one object that others may extend: members, and properties it changes. */
interface Member {
  objectType: 'table' | 'page' | 'enum';
  object: string;
  /** 'field' members have ids; controls have none; enum values have ids. */
  id?: number;
  name: string;
  /** true when the member comes with the object itself (declared by its owner), not added by an extension. */
  own: boolean;
}
interface PropertyChange {
  memberKind: 'field' | 'control';
  objectType: 'table' | 'page';
  object: string;
  member: string;
  property: string;
}

function membersOf(objects: readonly AppObject[]): Member[] {
  const out: Member[] = [];
  for (const o of objects) {
    switch (o.type) {
      case 'table':
        for (const f of o.fields) out.push({ objectType: 'table', object: o.name, id: f.id, name: f.name, own: true });
        break;
      case 'tableextension':
        for (const f of o.fields) out.push({ objectType: 'table', object: o.extends, id: f.id, name: f.name, own: false });
        break;
      case 'page':
        for (const c of o.controls) out.push({ objectType: 'page', object: o.name, name: c.name, own: true });
        break;
      case 'pageextension':
        for (const c of o.controls) out.push({ objectType: 'page', object: o.extends, name: c.name, own: false });
        break;
      case 'enum':
        for (const v of o.values) out.push({ objectType: 'enum', object: o.name, id: v.id, name: v.name, own: true });
        break;
      case 'enumextension':
        for (const v of o.values) out.push({ objectType: 'enum', object: o.extends, id: v.id, name: v.name, own: false });
        break;
      default:
        break;
    }
  }
  return out;
}

function propertyChangesOf(objects: readonly AppObject[]): PropertyChange[] {
  const out: PropertyChange[] = [];
  for (const o of objects) {
    if (o.type === 'tableextension') {
      for (const m of o.modify)
        for (const [p, v] of Object.entries(m.properties))
          if (v !== undefined) out.push({ memberKind: 'field', objectType: 'table', object: o.extends, member: m.field, property: p });
    } else if (o.type === 'pageextension') {
      for (const m of o.modify)
        for (const [p, v] of Object.entries(m.properties))
          if (v !== undefined) out.push({ memberKind: 'control', objectType: 'page', object: o.extends, member: m.control, property: p });
    }
  }
  return out;
}

const OBJECT_WORDS: Record<AppObject['type'], string> = {
  table: 'table',
  tableextension: 'table extension',
  page: 'page',
  pageextension: 'page extension',
  enum: 'enum',
  enumextension: 'enum extension',
  permissionset: 'permission set',
  codeunit: 'codeunit',
};
const MEMBER_WORDS: Record<Member['objectType'], string> = { table: 'field', page: 'control', enum: 'value' };

function memberConflicts(cand: Member[], other: Member[], first: AppRef, second: AppRef, firstIsApplication: boolean): Conflict[] {
  const out: Conflict[] = [];
  const firstName = `${firstIsApplication ? 'the application ' : ''}${describeApp(first)}`;
  for (const c of cand) {
    for (const o of other) {
      if (o.objectType !== c.objectType || key(o.object) !== key(c.object)) continue;
      // Two owners of the same object are an object conflict, reported once as such; the
      // application's own members matter only against what the candidate adds.
      if (c.own && (o.own || firstIsApplication)) continue;
      const sameId = c.id !== undefined && c.id === o.id;
      const sameName = key(c.name) === key(o.name);
      if (!sameId && !sameName) continue;
      const word = MEMBER_WORDS[c.objectType];
      const where = `${c.objectType} "${c.object}"`;
      const label = (m: Member): string => (m.id === undefined ? `${word} "${m.name}"` : `${word} ${m.id} "${m.name}"`);
      let message: string;
      if (!c.own && !o.own) {
        const what = sameId
          ? `${word} ${c.id} to ${where} (${sameName ? `"${c.name}"` : `"${o.name}" and "${c.name}"`})`
          : `${word} "${c.name}" to ${where}${c.id === undefined ? '' : ` (ids ${o.id} and ${c.id})`}`;
        message = `${describeApp(first)} and ${describeApp(second)} both add ${what}`;
      } else if (!c.own) {
        message = `${describeApp(second)} adds ${label(c)} to ${where}, which already has ${label(o)} from ${firstName}`;
      } else {
        message = `${describeApp(first)} adds ${label(o)} to ${where}, which ${describeApp(second)} declares with ${label(c)}`;
      }
      const kind: Conflict['kind'] = c.objectType === 'page' ? 'control' : c.objectType === 'enum' ? 'enum-value' : sameId ? 'field-id' : 'field-name';
      out.push({ kind, objectType: c.objectType, object: c.object, member: c.name, first, second, message });
    }
  }
  return out;
}

function objectConflicts(cand: readonly AppObject[], other: readonly AppObject[], first: AppRef, second: AppRef, firstIsApplication: boolean): Conflict[] {
  const out: Conflict[] = [];
  const who = firstIsApplication ? `the application ${describeApp(first)} and ${describeApp(second)}` : `${describeApp(first)} and ${describeApp(second)}`;
  for (const c of cand) {
    for (const o of other) {
      if (o.type !== c.type) continue;
      const word = OBJECT_WORDS[c.type];
      const base = { objectType: c.type, object: c.name, first, second };
      if (o.id === c.id) {
        const names = key(o.name) === key(c.name) ? `"${c.name}"` : `"${o.name}" and "${c.name}"`;
        out.push({ ...base, kind: 'object-id', message: `${who} both declare ${word} ${c.id} (${names})` });
      } else if (key(o.name) === key(c.name)) {
        out.push({ ...base, kind: 'object-name', message: `${who} both declare ${word} "${c.name}" (ids ${o.id} and ${c.id})` });
      }
    }
  }
  return out;
}

function propertyConflicts(cand: PropertyChange[], other: PropertyChange[], first: AppRef, second: AppRef): Conflict[] {
  const out: Conflict[] = [];
  const seen = new Set<string>();
  for (const c of cand) {
    for (const o of other) {
      if (o.memberKind !== c.memberKind || key(o.object) !== key(c.object) || key(o.member) !== key(c.member) || o.property !== c.property) continue;
      const id = `${c.memberKind}|${key(c.object)}|${key(c.member)}|${c.property}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({
        kind: 'property',
        objectType: c.objectType,
        object: c.object,
        member: c.member,
        property: c.property,
        first,
        second,
        message: `${describeApp(first)} and ${describeApp(second)} both change property "${c.property}" of ${c.memberKind} "${c.member}" ${c.objectType === 'table' ? 'in table' : 'on page'} "${c.object}"`,
      });
    }
  }
  return out;
}

/**
 * Every conflict between `candidate` and the extensions of `installed` (other app ids), plus the
 * members the candidate adds that clash with members the application's objects already have, and
 * objects the candidate declares with an id or name the application already uses for that type.
 * `first` is the installed extension (or the application), `second` the candidate. Empty means it fits.
 */
export function findConflicts(candidate: AppDefinition, installed: readonly AppDefinition[], application: Application): Conflict[] {
  const second = toAppRef(candidate);
  const candMembers = membersOf(candidate.objects);
  const candProps = propertyChangesOf(candidate.objects);
  const appRef = applicationRef(application);
  const out: Conflict[] = [
    ...objectConflicts(candidate.objects, application.objects, appRef, second, true),
    ...memberConflicts(candMembers, membersOf(application.objects), appRef, second, true),
  ];
  for (const other of installed) {
    if (key(other.manifest.id) === second.id) continue;
    const first = toAppRef(other);
    out.push(
      ...objectConflicts(candidate.objects, other.objects, first, second, false),
      ...memberConflicts(candMembers, membersOf(other.objects), first, second, false),
      ...propertyConflicts(candProps, propertyChangesOf(other.objects), first, second),
    );
  }
  return out;
}
