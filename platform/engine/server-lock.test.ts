// A folder that a live server serves is refused by Deployment.open (so by the CLI and the console's local driver
// too), naming the URL to use; a lock left by a process that is gone, or by this process, is ignored.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Deployment } from './deployment.js';
import { SERVER_LOCK_FILE } from './server-lock.js';
import { testDeployment } from './test-support/fixtures.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

describe('server.lock', () => {
  it('refuses to open a folder served by a live process, and opens it once that process is gone', async () => {
    const t = testDeployment({ tenants: ['t1'] });
    cleanups.push(t.cleanup);
    t.d.close();
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    cleanups.push(() => live.kill('SIGKILL'));
    const lock = path.join(t.folder, SERVER_LOCK_FILE);
    fs.writeFileSync(lock, JSON.stringify({ pid: live.pid, url: 'http://127.0.0.1:7049' }));
    expect(() => Deployment.open(t.folder)).toThrow(
      expect.objectContaining({ code: 'DEPLOYMENT_INVALID', message: expect.stringContaining(`being served by process ${live.pid} at http://127.0.0.1:7049`) }),
    );

    const exited = new Promise((resolve) => live.once('exit', resolve));
    live.kill('SIGKILL');
    await exited;
    const d = Deployment.open(t.folder);
    expect(d.getTenant('t1').id).toBe('t1');
    d.close();

    // this process's own lock (a server reopening its folder) and a malformed lock do not stand in the way
    for (const body of [JSON.stringify({ pid: process.pid, url: 'http://127.0.0.1:1' }), 'not json']) {
      fs.writeFileSync(lock, body);
      Deployment.open(t.folder).close();
    }
  });

  it('a dead pid from a crashed server is ignored', () => {
    const t = testDeployment();
    cleanups.push(t.cleanup);
    t.d.close();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.writeFileSync(path.join(t.folder, SERVER_LOCK_FILE), JSON.stringify({ pid: Number(gone.stdout), url: 'http://127.0.0.1:7050' }));
    Deployment.open(t.folder).close();
  });
});
