// The console's handler table (ConsoleServices.handlers) is typed by the contract in shared/api/console.ts: a table
// that misses an operation, or a handler whose input or output is not the operation's, does not compile. `tsc -b`
// (npm test's typecheck) checks the expected errors below: each fails the build the day the type stops refusing
// what it names. The test at run time checks the table serves every operation of the contract.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONSOLE_OPERATION_NAMES } from '../../shared/api/console.js';
import { ConsoleServices, type ConsoleHandler, type ConsoleHandlers } from './console-services.js';

// @ts-expect-error a table without 'audit.verify' is not a ConsoleHandlers
export const missing: ConsoleHandlers = {} as Omit<ConsoleHandlers, 'audit.verify'>;

// @ts-expect-error 'jobs.get' answers one job, not a list
export const wrongOutput: ConsoleHandler<'jobs.get'> = () => [];

// @ts-expect-error 'jobs.get' takes { jobId: string }, not a number
export const wrongInput: ConsoleHandler<'jobs.get'> = (i: number) => ({ id: String(i) });

describe('console handler table', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantry-handlers-'));
  const services = new ConsoleServices({ dataDir: dir, host: 'browser', actor: 'test' });
  afterAll(async () => {
    await services.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('has one handler for every operation of the console contract, and no other', () => {
    const handlers = (services as unknown as { handlers: Record<string, unknown> }).handlers;
    expect(Object.keys(handlers).sort()).toEqual([...CONSOLE_OPERATION_NAMES].sort());
    expect(Object.values(handlers).every((h) => typeof h === 'function')).toBe(true);
  });

  it('answers through the table with the operation output, and refuses an unknown operation as before', async () => {
    expect(await services.handle('console.info', {})).toMatchObject({ ok: true, value: { host: 'browser', actor: 'test', dataDir: dir } });
    expect(await services.handle('connections.list', {})).toEqual({ ok: true, value: [] });
    expect(await services.handle('no.such', {})).toEqual({
      ok: false,
      // ref: the id of this call's line in the console log (console-log.test.ts)
      error: {
        code: 'BAD_INPUT',
        message: '"no.such" is not an operation of the console',
        details: { op: 'no.such' },
        ref: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      },
    });
  });
});
