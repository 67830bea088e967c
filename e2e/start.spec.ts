// `npm start` on this machine: with no Electron binary it makes the demo deployments in the user data folder,
// starts the browser host, prints the URL and why Electron was not used; the page shows both deployments.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { expect, test } from '@playwright/test';
import { ROOT, shotPath } from './support/console-host.js';

test('npm start opens the console connected to the demo deployments', async ({ page }) => {
  test.setTimeout(180_000);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantry-start-'));
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/start.mjs'), '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, TENANTRY_HOME: home, DISPLAY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const out: string[] = [];
    const url = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`npm start exited (${code}):\n${out.join('\n')}`)));
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        out.push(line);
        const m = /(http:\/\/127\.0\.0\.1:\d+\/#session=[A-Za-z0-9_-]+)/.exec(line);
        if (m?.[1]) resolve(m[1]);
      });
    });
    expect(out.join('\n')).toMatch(/Electron was not used: .+/);
    expect(fs.existsSync(path.join(home, 'demo', 'east', 'deployment.sqlite'))).toBe(true);
    await page.goto(url);
    await expect(page.locator('[role="row"].m-group')).toHaveCount(2);
    await expect(page.locator('[role="row"].m-group').first()).toContainText('East');
    await page.screenshot({ path: shotPath('npm-start') });
  } finally {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    fs.rmSync(home, { recursive: true, force: true });
  }
});
