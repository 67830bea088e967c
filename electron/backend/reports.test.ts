// The reports: every value escaped (a company or error text cannot inject markup), no script and no remote
// asset in the file, print styles present; the audit CSV neutralises formula cells.
import { describe, expect, it } from 'vitest';
import type { MovePrecheck } from '../../shared/api/console.js';
import { auditReportCsv, auditReportHtml, escapeHtml, movePrecheckHtml, reportTime } from './reports.js';

const hostile = '<img src=x onerror=alert(1)>';

const precheck: MovePrecheck = {
  at: '2025-01-01T10:00:00.000Z',
  source: { connectionId: 'e', name: 'East', kind: 'local', application: { name: 'Base', version: '1.0.0.0' }, catalogSize: 3, tenantCount: 2 },
  destination: { connectionId: 'w', name: 'West & Co', kind: 'local', application: { name: 'Base', version: '1.0.0.0' }, catalogSize: 1, tenantCount: 1 },
  supported: true,
  ok: false,
  tenants: [
    {
      tenantId: 't1',
      state: 'operational',
      companies: [hostile],
      sizeBytes: 2048,
      report: {
        ok: false,
        tenantId: 't1',
        application: { source: 'Base 1.0.0.0', destination: 'Base 1.0.0.0', same: true },
        apps: [{ id: 'a', name: 'Ext "A"', publisher: 'P', version: '1.0.0.0', status: 'missing', destinationVersions: [] }],
        tenantIdFree: true,
        sizeBytes: 2048,
        problems: [`Ext "A" 1.0.0.0 is missing on West & Co`],
        waysOut: [{ kind: 'publish-missing', apps: [], description: 'publish <it>' }],
      },
      publishable: [{ id: 'a', name: 'Ext "A"', publisher: 'P', version: '1.0.0.0', available: true }],
      dependents: [],
    },
  ],
};

describe('reports', () => {
  it('escapes every value of a move pre-check and carries no script', () => {
    const html = movePrecheckHtml(precheck, 'ada@host');
    expect(html).not.toContain(hostile);
    expect(html).toContain(escapeHtml(hostile));
    expect(html).toContain('West &amp; Co');
    expect(html).toContain('Ext &quot;A&quot;');
    expect(html).not.toMatch(/<script|src=["']?http|<link/i);
    expect(html).toContain('@media print');
    expect(html).toContain('2025-01-01 10:00:00 UTC');
  });

  it('writes the audit report as HTML with the verdict, and as CSV with formula cells neutralised', () => {
    const input = {
      generatedAt: '2025-01-01T10:00:00.000Z',
      actor: 'ada',
      filter: { query: hostile },
      verify: { ok: false, count: 2, headHash: 'abc', firstBad: { seq: 2, reason: 'entry 2 was changed' } },
      entries: [
        {
          seq: 1,
          at: '2025-01-01T09:00:00.000Z',
          actor: '=cmd|calc',
          action: 'tenant.install',
          connectionId: 'e',
          connectionName: 'East',
          target: 't1',
          params: { a: 1 },
          result: 'failed' as const,
          error: hostile,
          opId: null,
          jobId: null,
          prevHash: '0',
          hash: 'h1',
        },
      ],
      opLog: null,
      compare: null,
    };
    const html = auditReportHtml(input);
    expect(html).toContain('Hash chain broken at entry 2');
    expect(html).not.toContain(hostile);
    const csv = auditReportCsv(input).split('\r\n');
    expect(csv[1]).toContain(`"'=cmd|calc"`);
    expect(reportTime('2025-01-01T09:00:00Z')).toBe('2025-01-01 09:00:00 UTC');
  });
});
