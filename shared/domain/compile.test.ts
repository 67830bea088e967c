import { describe, expect, it } from 'vitest';
import type { AppDefinition } from './app-definition.js';
import { compileApp, newestPublished, resolveDependencies } from './compile.js';
import { chainApps, FIXTURE_IDS, loyaltyApp, makeApp, rewardsApp, shippingApp, testApplication, type FixtureAppInput } from './test-fixtures.js';

const app = testApplication();
const ID = '88888888-8888-4888-8888-888888888888';
const mk = (objects: FixtureAppInput['objects'], extra: Partial<FixtureAppInput> = {}): AppDefinition =>
  makeApp({ id: ID, name: 'Candidate', publisher: 'Tailspin', idRanges: [{ from: 50000, to: 59999 }], objects, ...extra });
const codes = (problems: { code: string }[]): string[] => problems.map((p) => p.code);

describe('compileApp', () => {
  it('accepts the fixture extensions against the application', () => {
    expect(compileApp(loyaltyApp(), app, [])).toEqual([]);
    expect(compileApp(rewardsApp(), app, [loyaltyApp()])).toEqual([]);
    expect(compileApp(shippingApp(), app, [loyaltyApp(), rewardsApp()])).toEqual([]);
  });

  it('resolves references through dependencies, transitively', () => {
    const { a, b, c } = chainApps();
    expect(compileApp(a, app, [])).toEqual([]);
    expect(compileApp(b, app, [a])).toEqual([]);
    expect(compileApp(c, app, [a, b])).toEqual([]);
  });

  it('refuses a missing dependency, or one published only below the minimum, naming it', () => {
    const { a, b } = chainApps();
    const p1 = compileApp(b, app, []);
    expect(codes(p1)).toContain('DEPENDENCY_MISSING');
    expect(p1[0]?.message).toBe(`dependency "Chain A" by Contoso 1.0.0.0 (${FIXTURE_IDS.chainA}) of "Chain B" is not published at version 1.0.0.0 or higher`);
    // Without its dependency the table it extends is not visible either.
    expect(p1[1]?.message).toBe('table extension "A Setup B" extends table "A Setup", which does not exist in the application or its dependencies');

    const needsV2 = makeApp({
      ...{ id: ID, name: 'Needs Two' },
      dependencies: [{ id: FIXTURE_IDS.chainA, name: 'Chain A', publisher: 'Contoso', version: '2.0.0.0' }],
    });
    const p2 = compileApp(needsV2, app, [a]);
    expect(p2).toEqual([
      {
        code: 'DEPENDENCY_MISSING',
        message: `dependency "Chain A" by Contoso 2.0.0.0 (${FIXTURE_IDS.chainA}) of "Needs Two" is not published at version 2.0.0.0 or higher; published versions: 1.0.0.0`,
      },
    ]);
  });

  it('reports a missing transitive dependency', () => {
    const { b, c } = chainApps();
    const p = compileApp(c, app, [b]);
    expect(p[0]).toEqual({
      code: 'DEPENDENCY_MISSING',
      message: `dependency "Chain A" by Contoso 1.0.0.0 (${FIXTURE_IDS.chainA}) of "Chain B" by Contoso 1.0.0.0 is not published at version 1.0.0.0 or higher`,
    });
  });

  it('picks the newest published version at or above the minimum', () => {
    const { a } = chainApps();
    const a2 = makeApp({
      id: FIXTURE_IDS.chainA,
      name: 'Chain A',
      version: '2.0.0.0',
      idRanges: [{ from: 80000, to: 80099 }],
      objects: [{ type: 'table', id: 80001, name: 'A Setup 2', fields: [{ id: 1, name: 'Code', type: 'Code', length: 10 }], keys: [{ fields: ['Code'] }] }],
    });
    expect(newestPublished(FIXTURE_IDS.chainA.toUpperCase(), '1.0.0.0', [a2, a])?.manifest.version).toBe('2.0.0.0');
    expect(newestPublished(FIXTURE_IDS.chainA, '3.0.0.0', [a2, a])).toBeUndefined();
    // Version 2 no longer has "A Setup": B (which extends it) does not compile against the newest.
    const { b } = chainApps();
    expect(compileApp(b, app, [a, a2]).map((p) => p.message)).toEqual([
      'table extension "A Setup B" extends table "A Setup", which does not exist in the application or its dependencies',
    ]);
  });

  it('refuses a dependency cycle back to the candidate', () => {
    const x = makeApp({
      id: ID,
      name: 'X',
      dependencies: [{ id: '99999999-9999-4999-8999-999999999999', name: 'Y', publisher: 'Contoso', version: '1.0.0.0' }],
    });
    const y = makeApp({
      id: '99999999-9999-4999-8999-999999999999',
      name: 'Y',
      dependencies: [{ id: ID, name: 'X', publisher: 'Contoso', version: '1.0.0.0' }],
    });
    const r = resolveDependencies(x.manifest, [y]);
    expect(r.problems).toEqual([{ code: 'COMPILE_FAILED', message: 'dependency cycle: "X" -> "Y" -> "X"' }]);
    expect(codes(compileApp(x, app, [y]))).toEqual(['COMPILE_FAILED']);
  });

  it('refuses an application older than the manifest asks for', () => {
    const p = compileApp(mk([], { application: '12.0.0.0' }), app, []);
    expect(p).toEqual([
      {
        code: 'DEPENDENCY_MISSING',
        message: '"Candidate" by Tailspin 1.0.0.0 requires application 12.0.0.0 or higher; the application "Base Application" is 11.0.0.0',
      },
    ]);
  });

  it('does not see objects of unrelated extensions', () => {
    const p = compileApp(
      mk([{ type: 'tableextension', id: 50000, name: 'Entry Ext', extends: 'Loyalty Entry', fields: [{ id: 50000, name: 'X', type: 'Integer' }] }]),
      app,
      [loyaltyApp()],
    );
    expect(p).toEqual([
      {
        code: 'COMPILE_FAILED',
        object: 'Entry Ext',
        message: 'table extension "Entry Ext" extends table "Loyalty Entry", which does not exist in the application or its dependencies',
      },
    ]);
  });

  it('names every missing reference: extended objects, source tables, fields, enums, permissions, subscribers, steps, table data', () => {
    const p = compileApp(
      mk(
        [
          { type: 'tableextension', id: 50000, name: 'Customer Ext', extends: 'Custmer', fields: [{ id: 50000, name: 'X', type: 'Integer' }] },
          {
            type: 'tableextension',
            id: 50001,
            name: 'Customer Ext 2',
            extends: 'Customer',
            fields: [{ id: 50001, name: 'Tier', type: 'Enum', enum: 'No Such Enum' }],
            modify: [{ field: 'Nmae', properties: { caption: 'x' } }],
          },
          { type: 'pageextension', id: 50000, name: 'Card Ext', extends: 'Customer Crad', controls: [{ name: 'X' }] },
          {
            type: 'pageextension',
            id: 50001,
            name: 'Card Ext 2',
            extends: 'Customer Card',
            controls: [{ name: 'Y', field: 'Nope', anchor: { position: 'after', control: 'Missing' } }],
            modify: [{ control: 'Ghost', properties: { visible: false } }],
          },
          { type: 'page', id: 50000, name: 'My List', pageType: 'List', sourceTable: 'Nothing' },
          { type: 'page', id: 50001, name: 'My Card', pageType: 'Card', sourceTable: 'Customer', controls: [{ name: 'Z', field: 'Zip' }] },
          { type: 'enumextension', id: 50000, name: 'Enum Ext', extends: 'Colour', values: [{ id: 50000, name: 'Red' }] },
          { type: 'enumextension', id: 50001, name: 'Blocked Ext', extends: 'Blocked Type', values: [{ id: 50000, name: 'Partly' }] },
          {
            type: 'permissionset',
            id: 50000,
            name: 'PERMS',
            permissions: [
              { objectType: 'tabledata', object: 'Ghost Table', read: true },
              { objectType: 'codeunit', object: 'Ghost Unit', execute: true },
              { objectType: 'page', object: '*', execute: true },
              { objectType: 'codeunit', object: 'sales-post', execute: true },
            ],
          },
          {
            type: 'codeunit',
            id: 50000,
            name: 'Logic',
            subscribers: [
              { name: 'S1', event: 'record.modified', table: 'Ghost Table' },
              { name: 'S2', event: 'record.inserted', table: 'Customer', action: { op: 'requireField', field: 'Phone' } },
            ],
            install: [{ tag: 'I1', actions: [{ op: 'setValue', table: 'Customer', field: 'Fax', value: 1 }] }],
            upgrade: [
              {
                tag: 'U1',
                actions: [
                  { op: 'copyField', table: 'Ghost Table', from: 'a', to: 'b' },
                  { op: 'renameField', table: 'Customer', from: 'Old Name', to: 'New Name' },
                ],
              },
            ],
          },
        ],
        {
          tableData: [
            { table: 'Ghost Table', rows: [{}] },
            { table: 'Customer', rows: [{ 'No.': 'C1', Colour: 'red' }] },
          ],
        },
      ),
      app,
      [],
    );
    expect(p.map((x) => `${x.code} ${x.message}`)).toEqual([
      'COMPILE_FAILED table extension "Customer Ext" extends table "Custmer", which does not exist in the application or its dependencies',
      'COMPILE_FAILED table extension "Customer Ext 2" modifies field "Nmae" of table "Customer", which has no such field',
      'COMPILE_FAILED enum extension "Enum Ext" extends enum "Colour", which does not exist in the application or its dependencies',
      'COMPILE_FAILED enum extension "Blocked Ext" extends enum "Blocked Type", which is not extensible',
      'COMPILE_FAILED table extension "Customer Ext 2" field "Tier" uses enum "No Such Enum", which does not exist in the application or its dependencies',
      'COMPILE_FAILED page extension "Card Ext" extends page "Customer Crad", which does not exist in the application or its dependencies',
      'COMPILE_FAILED page extension "Card Ext 2" places control "Y" after control "Missing", which page "Customer Card" does not have',
      'COMPILE_FAILED page extension "Card Ext 2" control "Y" uses field "Nope" of table "Customer", which has no such field',
      'COMPILE_FAILED page extension "Card Ext 2" modifies control "Ghost" of page "Customer Card", which has no such control',
      'COMPILE_FAILED page "My List" has source table "Nothing", which does not exist in the application or its dependencies',
      'COMPILE_FAILED page "My Card" control "Z" uses field "Zip" of table "Customer", which has no such field',
      'COMPILE_FAILED permission set "PERMS" grants tabledata "Ghost Table", which does not exist in the application or its dependencies',
      'COMPILE_FAILED permission set "PERMS" grants codeunit "Ghost Unit", which does not exist in the application or its dependencies',
      'COMPILE_FAILED codeunit "Logic" subscriber "S1" uses table "Ghost Table", which does not exist in the application or its dependencies',
      'COMPILE_FAILED codeunit "Logic" subscriber "S2" uses field "Phone" of table "Customer", which has no such field',
      'COMPILE_FAILED codeunit "Logic" install step "I1" (setValue) uses field "Fax" of table "Customer", which has no such field',
      'COMPILE_FAILED codeunit "Logic" upgrade step "U1" (copyField) uses table "Ghost Table", which does not exist in the application or its dependencies',
      'COMPILE_FAILED codeunit "Logic" upgrade step "U1" (renameField) uses field "New Name" of table "Customer", which has no such field',
      'COMPILE_FAILED table data for "Ghost Table" uses table "Ghost Table", which does not exist in the application or its dependencies',
      'COMPILE_FAILED table data for "Customer" uses field "Colour" of table "Customer", which has no such field',
    ]);
  });

  it('sees the fields its own table extensions add, from pages, steps and table data', () => {
    const p = compileApp(
      mk(
        [
          { type: 'tableextension', id: 50000, name: 'Cust Ext', extends: 'customer', fields: [{ id: 50000, name: 'Colour', type: 'Text', length: 10 }] },
          {
            type: 'pageextension',
            id: 50000,
            name: 'Card Ext',
            extends: 'customer card',
            controls: [{ name: 'Colour', field: 'colour', anchor: { position: 'before', control: 'name' } }],
            modify: [{ control: 'Colour', properties: { visible: true } }],
          },
          {
            type: 'codeunit',
            id: 50000,
            name: 'Up',
            upgrade: [
              {
                tag: 'U',
                actions: [
                  { op: 'renameField', table: 'Customer', from: 'Color', to: 'Colour' },
                  { op: 'deleteRows', table: 'Customer', where: { Colour: 'x' } },
                ],
              },
            ],
          },
        ],
        { tableData: [{ table: 'customer', rows: [{ 'No.': 'C1', COLOUR: 'red' }] }] },
      ),
      app,
      [],
    );
    expect(p).toEqual([]);
  });

  it('refuses object ids outside the idRanges, and table extension fields outside them', () => {
    const p = compileApp(
      mk([
        { type: 'codeunit', id: 70000, name: 'Far Away' },
        { type: 'tableextension', id: 50000, name: 'Cust Ext', extends: 'Customer', fields: [{ id: 123, name: 'Low', type: 'Integer' }] },
        // Fields of its own tables may use any id.
        { type: 'table', id: 50001, name: 'Own', fields: [{ id: 1, name: 'K', type: 'Integer' }], keys: [{ fields: ['K'] }] },
      ]),
      app,
      [],
    );
    expect(p).toEqual([
      {
        code: 'ID_OUT_OF_RANGE',
        object: 'Far Away',
        message: 'codeunit 70000 "Far Away" lies outside the id ranges of "Candidate" by Tailspin 1.0.0.0 (50000..59999)',
      },
      {
        code: 'ID_OUT_OF_RANGE',
        object: 'Cust Ext',
        message: 'table extension "Cust Ext" field 123 "Low" lies outside the id ranges of "Candidate" by Tailspin 1.0.0.0 (50000..59999)',
      },
    ]);
  });

  it('refuses ids and names used by the application, by other published extensions, or twice in itself', () => {
    const cand = mk(
      [
        { type: 'table', id: 50100, name: 'Mine', fields: [{ id: 1, name: 'K', type: 'Integer' }], keys: [{ fields: ['K'] }] },
        { type: 'enum', id: 50500, name: 'loyalty tier', values: [] },
        { type: 'codeunit', id: 50001, name: 'One' },
        { type: 'codeunit', id: 50001, name: 'Two' },
        { type: 'page', id: 50002, name: 'Customer Card', pageType: 'Card' },
      ],
      { idRanges: [{ from: 1, to: 99999 }] },
    );
    // Two published versions of Loyalty: each clash is reported once per extension.
    const p = compileApp(cand, app, [loyaltyApp(), loyaltyApp('1.1.0.0')]);
    expect(p.map((x) => `${x.code} ${x.message}`)).toEqual([
      'ID_COLLISION table 50100 "Mine" collides with table 50100 "Loyalty Entry" of "Loyalty" by Contoso 1.0.0.0',
      'ID_COLLISION enum 50500 "loyalty tier" collides with enum 50100 "Loyalty Tier" of "Loyalty" by Contoso 1.0.0.0',
      'ID_COLLISION codeunit 50001 "Two" collides with codeunit 50001 "One" of the same extension',
      'ID_COLLISION page 50002 "Customer Card" collides with page 21 "Customer Card" of the application',
    ]);
  });

  it('lets versions of the same app reuse their ids', () => {
    expect(compileApp(loyaltyApp('2.0.0.0'), app, [loyaltyApp('1.0.0.0')])).toEqual([]);
  });

  it('refuses fields, controls and enum values that collide with what the extended object has through the application and dependencies', () => {
    const { a, b } = chainApps();
    const cand = mk(
      [
        { type: 'tableextension', id: 50000, name: 'Cust Ext', extends: 'Customer', fields: [{ id: 50000, name: 'name', type: 'Integer' }] },
        { type: 'tableextension', id: 50001, name: 'Setup Ext', extends: 'A Setup', fields: [{ id: 80100, name: 'Other', type: 'Integer' }] },
        { type: 'pageextension', id: 50000, name: 'Card Ext', extends: 'Customer Card', controls: [{ name: 'blocked' }] },
        { type: 'enumextension', id: 50000, name: 'Type Ext', extends: 'Customer Type', values: [{ id: 1, name: 'Partner' }] },
      ],
      { idRanges: [{ from: 50000, to: 90000 }], dependencies: [{ id: FIXTURE_IDS.chainB, name: 'Chain B', publisher: 'Contoso', version: '1.0.0.0' }] },
    );
    const p = compileApp(cand, app, [a, b]);
    expect(p.map((x) => `${x.code} ${x.message}`)).toEqual([
      'ID_COLLISION table extension "Cust Ext" adds field 50000 "name" to table "Customer", which already has field 2 "Name" from the application',
      'ID_COLLISION table extension "Setup Ext" adds field 80100 "Other" to table "A Setup", which already has field 80100 "B Value" from "Chain B" by Contoso 1.0.0.0',
      'ID_COLLISION enum extension "Type Ext" adds value 1 "Partner" to enum "Customer Type", which already has value 1 "Company" from the application',
      'ID_COLLISION page extension "Card Ext" adds control "blocked" to page "Customer Card", which already has a control of that name',
    ]);
  });

  it('reports a page control with a field on a page without a source table as an invalid object', () => {
    const p = compileApp(mk([{ type: 'page', id: 50000, name: 'Loose', pageType: 'Card', controls: [{ name: 'X', field: 'Y' }] }]), app, []);
    expect(p).toEqual([{ code: 'OBJECT_INVALID', object: 'Loose', message: 'page "Loose" control "X" shows field "Y", but the page has no source table' }]);
  });
});
