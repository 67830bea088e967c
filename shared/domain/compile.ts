// What publish and repair check: an extension "compiles" against the application and the published
// extensions it declares as dependencies (Publish-NAVApp / Repair-NAVApp). Dependencies resolve to the
// newest published version at or above the minimum; every object it references exists in the
// application, in the extension itself or in its dependencies (transitively), never in an unrelated
// extension; object ids lie in the manifest's idRanges (so do the ids of fields added to other tables,
// as in Business Central); no object id or name collides with the application's or another published
// extension's objects of the same type; fields, controls and enum values it adds do not collide with
// what the extended object already has. Names compare case-insensitively.
import type { AppDefinition } from './app-definition.js';
import { describeApp, inIdRanges, type Dependency, type IdRange } from './manifest.js';
import type { AppObject, Application, DataAction, Field } from './objects.js';
import { compareVersions, isAtLeast } from './version.js';

export interface CompileProblem {
  code: 'COMPILE_FAILED' | 'ID_OUT_OF_RANGE' | 'ID_COLLISION' | 'DEPENDENCY_MISSING' | 'OBJECT_INVALID';
  message: string;
  object?: string;
}

const key = (s: string): string => s.toLowerCase();

/** The newest published version of `id` at or above `minVersion`, if any. */
export function newestPublished(id: string, minVersion: string, published: readonly AppDefinition[]): AppDefinition | undefined {
  let best: AppDefinition | undefined;
  for (const p of published) {
    if (key(p.manifest.id) !== key(id) || !isAtLeast(p.manifest.version, minVersion)) continue;
    if (!best || compareVersions(p.manifest.version, best.manifest.version) > 0) best = p;
  }
  return best;
}

/**
 * The dependencies of `manifest`, transitively, each resolved to the newest published version at or
 * above the minimum asked for; dependencies first. Missing ones and cycles back to the app are
 * reported as problems.
 */
export function resolveDependencies(
  manifest: { id: string; name: string; dependencies: readonly Dependency[] },
  published: readonly AppDefinition[],
): { resolved: AppDefinition[]; problems: CompileProblem[] } {
  const resolved: AppDefinition[] = [];
  const problems: CompileProblem[] = [];
  const seen = new Set<string>([key(manifest.id)]);
  const visit = (deps: readonly Dependency[], requiredBy: string, path: string[]): void => {
    for (const d of deps) {
      if (key(d.id) === key(manifest.id)) {
        problems.push({ code: 'COMPILE_FAILED', message: `dependency cycle: ${[...path, `"${manifest.name}"`].join(' -> ')}` });
        continue;
      }
      if (seen.has(key(d.id))) continue;
      const found = newestPublished(d.id, d.version, published);
      if (!found) {
        const others = published.filter((p) => key(p.manifest.id) === key(d.id)).map((p) => p.manifest.version);
        problems.push({
          code: 'DEPENDENCY_MISSING',
          message:
            `dependency ${describeApp(d)} (${d.id}) of ${requiredBy} is not published at version ${d.version} or higher` +
            (others.length > 0 ? `; published versions: ${others.join(', ')}` : ''),
        });
        continue;
      }
      seen.add(key(d.id));
      visit(found.manifest.dependencies, describeApp(found.manifest), [...path, `"${found.manifest.name}"`]);
      resolved.push(found);
    }
  };
  visit(manifest.dependencies, `"${manifest.name}"`, [`"${manifest.name}"`]);
  return { resolved, problems };
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

interface ScopeField {
  id: number;
  name: string;
  from: string;
}
interface ScopeTable {
  name: string;
  fields: ScopeField[];
}
interface ScopePage {
  name: string;
  sourceTable: string | undefined;
  controls: string[];
}
interface ScopeEnum {
  name: string;
  extensible: boolean;
  values: { id: number; name: string; from: string }[];
}

/** The objects visible to the candidate: application, dependencies, and the candidate itself. */
class Scope {
  readonly tables = new Map<string, ScopeTable>();
  readonly pages = new Map<string, ScopePage>();
  readonly enums = new Map<string, ScopeEnum>();
  readonly codeunits = new Set<string>();

  /** Adds the objects an app declares; extensions of objects are applied by addExtensions. */
  addDeclared(objects: readonly AppObject[], from: string): void {
    for (const o of objects) {
      if (o.type === 'table' && !this.tables.has(key(o.name)))
        this.tables.set(key(o.name), { name: o.name, fields: o.fields.map((f) => ({ id: f.id, name: f.name, from })) });
      else if (o.type === 'page' && !this.pages.has(key(o.name)))
        this.pages.set(key(o.name), { name: o.name, sourceTable: o.sourceTable, controls: o.controls.map((c) => c.name) });
      else if (o.type === 'enum' && !this.enums.has(key(o.name)))
        this.enums.set(key(o.name), { name: o.name, extensible: o.extensible, values: o.values.map((v) => ({ id: v.id, name: v.name, from })) });
      else if (o.type === 'codeunit') this.codeunits.add(key(o.name));
    }
  }

  /** Applies a (compiled) dependency's extensions without checking them. */
  addExtensions(objects: readonly AppObject[], from: string): void {
    for (const o of objects) {
      if (o.type === 'tableextension') this.tables.get(key(o.extends))?.fields.push(...o.fields.map((f) => ({ id: f.id, name: f.name, from })));
      else if (o.type === 'pageextension') this.pages.get(key(o.extends))?.controls.push(...o.controls.map((c) => c.name));
      else if (o.type === 'enumextension') this.enums.get(key(o.extends))?.values.push(...o.values.map((v) => ({ id: v.id, name: v.name, from })));
    }
  }

  field(table: string, field: string): ScopeField | undefined {
    return this.tables.get(key(table))?.fields.find((f) => key(f.name) === key(field));
  }
}

const fmtRanges = (ranges: readonly IdRange[]): string => ranges.map((r) => `${r.from}..${r.to}`).join(', ');

/** Every problem that stops `candidate` from being published (or a published version from being repaired). Empty means it compiles. */
export function compileApp(candidate: AppDefinition, application: Application, published: readonly AppDefinition[]): CompileProblem[] {
  const m = candidate.manifest;
  const self = describeApp(m);
  const problems: CompileProblem[] = [];
  const fail = (code: CompileProblem['code'], message: string, object?: string): void => {
    problems.push(object === undefined ? { code, message } : { code, message, object });
  };

  if (!isAtLeast(application.version, m.application)) {
    fail('DEPENDENCY_MISSING', `${self} requires application ${m.application} or higher; the application "${application.name}" is ${application.version}`);
  }
  const deps = resolveDependencies(m, published);
  problems.push(...deps.problems);

  const scope = new Scope();
  scope.addDeclared(application.objects, 'the application');
  for (const d of deps.resolved) scope.addDeclared(d.objects, describeApp(d.manifest));
  for (const d of deps.resolved) scope.addExtensions(d.objects, describeApp(d.manifest));
  scope.addDeclared(candidate.objects, self);
  const notFound = 'which does not exist in the application or its dependencies';

  // Ids in range, and no id or name used twice for one object type: within the candidate, by the
  // application, or by another published extension (other versions of this one may reuse them).
  const seenInCandidate = new Map<string, AppObject>();
  const othersReported = new Set<string>();
  for (const o of candidate.objects) {
    const word = OBJECT_WORDS[o.type];
    const label = `${word} ${o.id} "${o.name}"`;
    if (!inIdRanges(o.id, m.idRanges)) fail('ID_OUT_OF_RANGE', `${label} lies outside the id ranges of ${self} (${fmtRanges(m.idRanges)})`, o.name);
    for (const k of [`${o.type}#${o.id}`, `${o.type}:${key(o.name)}`]) {
      const prev = seenInCandidate.get(k);
      if (prev) fail('ID_COLLISION', `${label} collides with ${word} ${prev.id} "${prev.name}" of the same extension`, o.name);
      else seenInCandidate.set(k, o);
    }
    for (const a of application.objects) {
      if (a.type === o.type && (a.id === o.id || key(a.name) === key(o.name)))
        fail('ID_COLLISION', `${label} collides with ${word} ${a.id} "${a.name}" of the application`, o.name);
    }
    for (const p of published) {
      if (key(p.manifest.id) === key(m.id)) continue;
      for (const a of p.objects) {
        if (a.type !== o.type || (a.id !== o.id && key(a.name) !== key(o.name))) continue;
        const k = `${key(p.manifest.id)}|${o.type}|${o.id}|${key(o.name)}|${a.id}`;
        if (othersReported.has(k)) continue;
        othersReported.add(k);
        fail('ID_COLLISION', `${label} collides with ${word} ${a.id} "${a.name}" of ${describeApp(p.manifest)}`, o.name);
      }
    }
  }

  const checkEnumField = (f: Field, owner: string, word: string): void => {
    if (f.type === 'Enum' && f.enum !== undefined && !scope.enums.has(key(f.enum))) {
      fail('COMPILE_FAILED', `${word} "${owner}" field "${f.name}" uses enum "${f.enum}", ${notFound}`, owner);
    }
  };
  const checkField = (table: string, field: string, object: string, context: string): void => {
    if (scope.tables.has(key(table)) && !scope.field(table, field))
      fail('COMPILE_FAILED', `${context} uses field "${field}" of table "${table}", which has no such field`, object);
  };
  const checkTable = (table: string, object: string, context: string): boolean => {
    if (scope.tables.has(key(table))) return true;
    fail('COMPILE_FAILED', `${context} uses table "${table}", ${notFound}`, object);
    return false;
  };

  // Table extensions and enum extensions first, so pages and steps see the fields and values they add.
  for (const o of candidate.objects) {
    if (o.type === 'tableextension') {
      const t = scope.tables.get(key(o.extends));
      if (!t) {
        fail('COMPILE_FAILED', `table extension "${o.name}" extends table "${o.extends}", ${notFound}`, o.name);
        continue;
      }
      for (const f of o.fields) {
        if (!inIdRanges(f.id, m.idRanges))
          fail(
            'ID_OUT_OF_RANGE',
            `table extension "${o.name}" field ${f.id} "${f.name}" lies outside the id ranges of ${self} (${fmtRanges(m.idRanges)})`,
            o.name,
          );
        const clash = t.fields.find((x) => x.id === f.id || key(x.name) === key(f.name));
        if (clash) {
          fail(
            'ID_COLLISION',
            `table extension "${o.name}" adds field ${f.id} "${f.name}" to table "${t.name}", which already has field ${clash.id} "${clash.name}" from ${clash.from}`,
            o.name,
          );
          continue;
        }
        t.fields.push({ id: f.id, name: f.name, from: self });
      }
      for (const mod of o.modify) {
        if (!t.fields.some((x) => key(x.name) === key(mod.field)))
          fail('COMPILE_FAILED', `table extension "${o.name}" modifies field "${mod.field}" of table "${t.name}", which has no such field`, o.name);
      }
    } else if (o.type === 'enumextension') {
      const e = scope.enums.get(key(o.extends));
      if (!e) {
        fail('COMPILE_FAILED', `enum extension "${o.name}" extends enum "${o.extends}", ${notFound}`, o.name);
        continue;
      }
      if (!e.extensible) {
        fail('COMPILE_FAILED', `enum extension "${o.name}" extends enum "${e.name}", which is not extensible`, o.name);
        continue;
      }
      for (const v of o.values) {
        const clash = e.values.find((x) => x.id === v.id || key(x.name) === key(v.name));
        if (clash) {
          fail(
            'ID_COLLISION',
            `enum extension "${o.name}" adds value ${v.id} "${v.name}" to enum "${e.name}", which already has value ${clash.id} "${clash.name}" from ${clash.from}`,
            o.name,
          );
          continue;
        }
        e.values.push({ id: v.id, name: v.name, from: self });
      }
    }
  }

  for (const o of candidate.objects) {
    switch (o.type) {
      case 'table':
        for (const f of o.fields) checkEnumField(f, o.name, 'table');
        break;
      case 'tableextension':
        for (const f of o.fields) checkEnumField(f, o.name, 'table extension');
        break;
      case 'page': {
        if (o.sourceTable !== undefined && !scope.tables.has(key(o.sourceTable))) {
          fail('COMPILE_FAILED', `page "${o.name}" has source table "${o.sourceTable}", ${notFound}`, o.name);
          break;
        }
        for (const c of o.controls) {
          if (c.field === undefined) continue;
          if (o.sourceTable === undefined)
            fail('OBJECT_INVALID', `page "${o.name}" control "${c.name}" shows field "${c.field}", but the page has no source table`, o.name);
          else checkField(o.sourceTable, c.field, o.name, `page "${o.name}" control "${c.name}"`);
        }
        break;
      }
      case 'pageextension': {
        const p = scope.pages.get(key(o.extends));
        if (!p) {
          fail('COMPILE_FAILED', `page extension "${o.name}" extends page "${o.extends}", ${notFound}`, o.name);
          break;
        }
        for (const c of o.controls) {
          if (p.controls.some((x) => key(x) === key(c.name))) {
            fail('ID_COLLISION', `page extension "${o.name}" adds control "${c.name}" to page "${p.name}", which already has a control of that name`, o.name);
            continue;
          }
          if (c.anchor?.control !== undefined && !p.controls.some((x) => key(x) === key(c.anchor?.control ?? ''))) {
            fail(
              'COMPILE_FAILED',
              `page extension "${o.name}" places control "${c.name}" ${c.anchor.position} control "${c.anchor.control}", which page "${p.name}" does not have`,
              o.name,
            );
          }
          if (c.field !== undefined) {
            if (p.sourceTable === undefined)
              fail(
                'OBJECT_INVALID',
                `page extension "${o.name}" control "${c.name}" shows field "${c.field}", but page "${p.name}" has no source table`,
                o.name,
              );
            else checkField(p.sourceTable, c.field, o.name, `page extension "${o.name}" control "${c.name}"`);
          }
          p.controls.push(c.name);
        }
        for (const mod of o.modify) {
          if (!p.controls.some((x) => key(x) === key(mod.control)))
            fail('COMPILE_FAILED', `page extension "${o.name}" modifies control "${mod.control}" of page "${p.name}", which has no such control`, o.name);
        }
        break;
      }
      case 'permissionset':
        for (const perm of o.permissions) {
          if (perm.object === '*') continue;
          const exists =
            perm.objectType === 'page'
              ? scope.pages.has(key(perm.object))
              : perm.objectType === 'codeunit'
                ? scope.codeunits.has(key(perm.object))
                : scope.tables.has(key(perm.object));
          if (!exists) fail('COMPILE_FAILED', `permission set "${o.name}" grants ${perm.objectType} "${perm.object}", ${notFound}`, o.name);
        }
        break;
      case 'codeunit': {
        for (const s of o.subscribers) {
          if (s.table === undefined) continue;
          const ctx = `codeunit "${o.name}" subscriber "${s.name}"`;
          if (!checkTable(s.table, o.name, ctx)) continue;
          if (s.action && (s.action.op === 'setField' || s.action.op === 'requireField')) checkField(s.table, s.action.field, o.name, ctx);
        }
        const steps = [...o.install.map((st) => ({ kind: 'install', st })), ...o.upgrade.map((st) => ({ kind: 'upgrade', st }))];
        for (const { kind, st } of steps) {
          for (const a of st.actions) checkAction(a, o.name, `codeunit "${o.name}" ${kind} step "${st.tag}" (${a.op})`);
        }
        break;
      }
      default:
        break;
    }
  }

  function checkAction(a: DataAction, object: string, ctx: string): void {
    if (!checkTable(a.table, object, ctx)) return;
    const fields: string[] = [];
    if (a.op === 'copyField') fields.push(a.from, a.to);
    // A rename keeps the field id: the new version knows only the new name.
    else if (a.op === 'renameField') fields.push(a.to);
    else if (a.op === 'setValue') fields.push(a.field);
    else if (a.op === 'insertRows') for (const r of a.rows) fields.push(...Object.keys(r));
    else fields.push(...Object.keys(a.where));
    for (const f of new Set(fields)) checkField(a.table, f, object, ctx);
  }

  for (const td of candidate.tableData) {
    const ctx = `table data for "${td.table}"`;
    if (!checkTable(td.table, td.table, ctx)) continue;
    const names = new Set<string>();
    for (const r of td.rows) for (const k of Object.keys(r)) names.add(k);
    for (const f of names) checkField(td.table, f, td.table, ctx);
  }
  return problems;
}
