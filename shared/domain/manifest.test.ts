// A real AL project's app.json loads as it is (every field, the old forms), unknown fields are kept, and a near
// miss of a known field is refused naming the likely spelling.
import { describe, expect, it } from 'vitest';
import { KNOWN_MANIFEST_FIELDS, ManifestSchema, likelySpelling, manifestDetails } from './manifest.js';

const realAppJson = {
  $schema: 'https://raw.githubusercontent.com/microsoft/AL/master/schemas/app.json',
  id: '7d4a2f10-1c2b-4e5f-9a8b-0c1d2e3f4a5b',
  name: 'Contoso Shipping',
  publisher: 'Contoso',
  version: '2.3.1045.0',
  brief: 'Shipping for sales orders',
  description: 'Adds carriers and shipping labels.',
  privacyStatement: 'https://contoso.example/privacy',
  EULA: 'https://contoso.example/eula',
  help: 'https://contoso.example/help',
  url: 'https://contoso.example',
  logo: '',
  contextSensitiveHelpUrl: 'https://contoso.example/help/{0}/',
  helpBaseUrl: 'https://contoso.example/docs/{0}/',
  supportedLocales: ['en-US', 'da-DK'],
  dependencies: [
    { appId: '63ca2fa4-4f03-4f2b-a480-172fef340d3f', name: 'System Application', publisher: 'Microsoft', version: '29.0.0.0' },
    { id: '437dbf0e-84ff-417a-965d-ed2bb9650972', name: 'Base Application', publisher: 'Microsoft' },
  ],
  screenshots: [],
  platform: '29.0.0.0',
  application: '29.0.0.0',
  idRange: { from: 50100, to: 50149 },
  resourceExposurePolicy: { allowDebugging: true, allowDownloadingSource: false, includeSourceInSymbolFile: true, applyToDevExtension: false },
  runtime: '14.0',
  target: 'Cloud',
  showMyCode: false,
  features: ['TranslationFile', 'NoImplicitWith'],
  propagateDependencies: true,
  internalsVisibleTo: [{ appId: 'a1b2c3d4-0000-4000-8000-000000000001', name: 'Contoso Shipping Tests', publisher: 'Contoso' }],
  preprocessorSymbols: ['CLEAN24'],
  suppressWarnings: ['AL0432'],
  keyVaultUrls: ['https://contoso.vault.azure.net'],
  applicationInsightsKey: '00000000-0000-0000-0000-000000000000',
  applicationInsightsConnectionString: 'InstrumentationKey=00000000-0000-0000-0000-000000000000',
  source: { repositoryUrl: 'https://github.com/contoso/shipping', commit: 'abc123' },
  build: { by: 'AL-Go', url: 'https://github.com/contoso/shipping/actions/runs/1' },
  resourceFolders: ['res'],
  codeAnalyzers: ['${AppSourceCop}'],
};

describe('ManifestSchema on real app.json', () => {
  it('loads every field of a real AL manifest, rewriting the old forms and keeping unknown fields', () => {
    const r = ManifestSchema.safeParse(realAppJson);
    expect(r.success, JSON.stringify(r.error?.issues)).toBe(true);
    const m = r.data!;
    expect(m.idRanges).toEqual([{ from: 50100, to: 50149 }]);
    expect(m.dependencies.map((d) => [d.id, d.version])).toEqual([
      ['63ca2fa4-4f03-4f2b-a480-172fef340d3f', '29.0.0.0'],
      ['437dbf0e-84ff-417a-965d-ed2bb9650972', '0.0.0.0'],
    ]);
    expect(m.internalsVisibleTo?.[0]?.id).toBe('a1b2c3d4-0000-4000-8000-000000000001');
    expect(m.logo).toBeUndefined();
    expect(m.propagateDependencies).toBe(true);
    expect(m.runtime).toBe('14.0');
    expect(m.resourceExposurePolicy?.includeSourceInSymbolFile).toBe(true);
    expect(m.extra).toEqual({ $schema: realAppJson.$schema, codeAnalyzers: ['${AppSourceCop}'] });
    // Parsing the output again gives the same manifest (it is stored and re-read).
    expect(ManifestSchema.parse(m)).toEqual(m);
  });

  it('an app.json without application means any application', () => {
    const { application: _a, ...rest } = realAppJson;
    expect(ManifestSchema.parse(rest).application).toBe('0.0.0.0');
  });

  it.each([
    ['dependancies', 'dependencies'],
    ['IdRanges', 'idRanges'],
    ['idRnages', 'idRanges'],
    ['propagateDependency', 'propagateDependencies'],
    ['Publisher', 'publisher'],
  ])('refuses the near miss %s, naming %s', (typo, likely) => {
    const r = ManifestSchema.safeParse({ ...realAppJson, [typo]: [] });
    expect(r.success).toBe(false);
    const issue = r.error!.issues.find((i) => i.path[0] === typo);
    expect(issue?.message).toBe(`unknown field; did you mean "${likely}"?`);
  });

  it('refuses both idRange and idRanges, and appId differing from id', () => {
    expect(ManifestSchema.safeParse({ ...realAppJson, idRanges: [{ from: 1, to: 2 }] }).error?.issues[0]?.message).toBe(
      'give either idRange or idRanges, not both',
    );
    const deps = [{ appId: '63ca2fa4-4f03-4f2b-a480-172fef340d3f', id: '437dbf0e-84ff-417a-965d-ed2bb9650972', name: 'X', publisher: 'Y', version: '1.0.0.0' }];
    const r = ManifestSchema.safeParse({ ...realAppJson, dependencies: deps });
    expect(r.error?.issues[0]?.path).toEqual(['dependencies', 0, 'appId']);
  });

  it('likelySpelling finds no near miss for unrelated names', () => {
    expect(likelySpelling('codeAnalyzers', KNOWN_MANIFEST_FIELDS)).toBeUndefined();
    expect(likelySpelling('dependencies', KNOWN_MANIFEST_FIELDS)).toBeUndefined();
  });
});

describe('manifestDetails', () => {
  it('lists the set fields app info shows, with the fields Tenantry does not use marked', () => {
    const rows = new Map(manifestDetails(ManifestSchema.parse(realAppJson)));
    expect(rows.get('runtime')).toBe('14.0');
    expect(rows.get('propagateDependencies')).toBe('true');
    expect(rows.get('features')).toBe('["TranslationFile","NoImplicitWith"]');
    expect(rows.get('codeAnalyzers (not used by Tenantry)')).toBe('["${AppSourceCop}"]');
    expect(rows.has('logo')).toBe(false);
    expect(rows.has('extra')).toBe(false);
  });
});
