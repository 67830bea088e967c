// The contract: every operation of shared/api/operations.ts is reachable through Deployment.invoke, parses its
// input first (BAD_INPUT naming the field, nothing changed), and returns plain JSON matching its output schema.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { OPERATIONS, OPERATION_NAMES, type OperationInput, type OperationName, type OperationOutput } from '../../shared/api/operations.js';
import { COMPANIES, IDS, coreV1, coreV2, notesV1, pkg, testApplication, testDeployment } from './test-support/fixtures.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

const [C1] = COMPANIES as [string, string];

describe('invoke', () => {
  it('refuses bad input naming the field, an unknown key, and an unknown operation', async () => {
    const t = testDeployment({ tenants: ['t1'] });
    cleanups.push(t.cleanup);
    await expect(t.d.invoke('tenant.install', { tenantIds: ['Bad Id'], appId: IDS.core })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('tenantIds[0]'),
    });
    await expect(t.d.invoke('tenant.get', { tenantId: 't1', extra: 1 } as never)).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('extra'),
    });
    await expect(t.d.invoke('nope.nothing' as OperationName, {} as never)).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(t.d.invoke('archive.discard', { tenantId: 't1' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('archiveId and appId'),
    });
    expect(t.d.log({ limit: 10 }).filter((l) => l.operation === 'tenant.install')).toEqual([]);
  });

  it('reaches every operation, each output matching its schema and surviving JSON', async () => {
    const src = testDeployment({ name: 'east' });
    const dst = testDeployment({ name: 'west' });
    cleanups.push(src.cleanup, dst.cleanup);
    const d = src.d;
    const seen = new Set<OperationName>();
    async function call<N extends OperationName>(op: N, input: OperationInput<N>): Promise<OperationOutput<N>> {
      const out = await d.invoke(op, input);
      seen.add(op);
      const json = JSON.parse(JSON.stringify(out)) as unknown;
      expect(json).toEqual(out);
      OPERATIONS[op].output.parse(out);
      return out;
    }
    const b64 = (def: Parameters<typeof pkg>[0]) => pkg(def).toString('base64');
    await call('deployment.info', {});
    await call('app.publish', { package: b64(coreV1()), fileName: 'core1.app', skipVerification: true });
    await call('app.publishMany', { packages: [{ package: b64(notesV1()) }, { package: b64(coreV2()) }], skipVerification: true });
    await call('app.info', { package: b64(notesV1()) });
    await call('app.catalog', {});
    const bytes = await call('app.package', { appId: IDS.core, version: '1.0.0.0' });
    expect(bytes.sha256).toBe((await d.invoke('app.catalog', {})).apps.find((a) => a.id === IDS.core && a.version === '1.0.0.0')?.sha256);
    expect(Buffer.from(bytes.package, 'base64').byteLength).toBe(bytes.size);
    expect(bytes.fileName).toMatch(/_1\.0\.0\.0\.app$/);
    await call('tenant.create', { tenantId: 't1', companies: COMPANIES });
    await call('tenant.create', { tenantId: 't2' });
    await call('tenant.list', {});
    const inst = await call('tenant.install', { tenantIds: ['t1'], appId: IDS.core, version: '1.0.0.0' });
    expect(inst.results[0]?.ok).toBe(true);
    await call('tenant.install', { tenantIds: ['t1', 't2'], appId: 'Tailspin Notes' });
    await call('app.tenants', { appId: IDS.core });
    await call('record.insert', { tenantId: 't1', company: C1, table: 'Customer', values: { 'No.': 'C1', Name: 'A', Note: 'x' } });
    await call('record.insertMany', { tenantId: 't1', company: C1, table: 'Customer', rows: [{ 'No.': 'C2', Name: 'B' }] });
    await call('record.modify', { tenantId: 't1', company: C1, table: 'Customer', key: { 'No.': 'C2' }, changes: { City: 'Oslo' } });
    await call('record.page', { tenantId: 't1', company: C1, table: 'Customer' });
    await call('record.delete', { tenantId: 't1', company: C1, table: 'Customer', key: { 'No.': 'C2' } });
    await call('tenant.upgradeCheck', { tenantId: 't1', appId: IDS.core });
    await call('tenant.upgrade', { tenantIds: ['t1'], appId: IDS.core });
    await call('tenant.sync', { tenantId: 't1', mode: 'check-only' });
    await call('tenant.apps', { tenantId: 't1' });
    await call('tenant.get', { tenantId: 't1' });
    await call('tenant.objects', { tenantId: 't1' });
    await call('tenant.permissionSets', { tenantId: 't1' });
    await call('tenant.subscribers', { tenantId: 't1' });
    const un = await call('tenant.uninstall', { tenantId: 't2', appId: IDS.notes });
    expect(un.uninstalled).toHaveLength(1);
    const list = await call('archive.list', { tenantId: 't2' });
    const first = list.archives[0];
    expect(first).toBeDefined();
    await call('archive.rows', { tenantId: 't2', archiveId: first!.archiveId });
    await call('archive.export', { tenantId: 't2', archiveId: first!.archiveId });
    await call('archive.discard', { tenantId: 't2', archiveId: first!.archiveId, confirmRows: first!.rows });
    await call('tenant.log', { tenantId: 't1' });
    await call('log.list', {});
    await call('app.repair', {});
    const facts = await dst.d.invoke('move.destinationFacts', {});
    seen.add('move.destinationFacts');
    OPERATIONS['move.destinationFacts'].output.parse(facts);
    await call('move.precheck', { tenantId: 't1', destination: facts });
    // a staged move, undone, then done (the file copied as a server would receive it)
    await call('tenant.create', { tenantId: 't3' });
    const begun = await call('move.begin', { tenantId: 't3', destination: 'west' });
    await call('move.abort', { tenantId: 't3', moveId: begun.moveId, reason: 'test' });
    const again = await call('move.begin', { tenantId: 't3', destination: 'west' });
    const sent = d.tenantFileForTransfer('t3');
    const temp = dst.d.newImportPath();
    fs.copyFileSync(sent.path, temp);
    dst.d.adoptTenantFile(temp, { sha256: sent.sha256, size: sent.size, expectedSha256: again.sha256, tenantId: 't3', moveId: again.moveId });
    const dropped = await dst.d.invoke('move.discardIncoming', { tenantId: 't3', moveId: again.moveId });
    expect(dropped.discarded).toBe(true);
    seen.add('move.discardIncoming');
    await call('move.complete', { tenantId: 't3', moveId: again.moveId });
    await call('tenant.dismount', { tenantId: 't2' });
    await call('tenant.removeApps', { tenantId: 't2' });
    await call('tenant.mount', { tenantId: 't2' });
    await call('app.unpublish', { appId: IDS.core, version: '1.0.0.0' });
    await call('deployment.setApplication', { application: testApplication('1.0.0.1') });
    expect(OPERATION_NAMES.filter((op) => !seen.has(op))).toEqual([]);
  });
});
