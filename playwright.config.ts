// Playwright: the console in Chromium (the machine's /usr/bin/chromium; no browser is ever downloaded) against the
// browser host and real local deployments made by the demo generator. Screenshots land in e2e/output/.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  outputDir: 'test-results',
  globalSetup: './e2e/global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env['CI']),
  timeout: 180_000,
  // Jobs run in the console's engine worker, which also serves the views' reads; on a loaded 2-core machine a job
  // can wait behind them, so waits for a job to finish allow more than the default.
  expect: { timeout: 45_000 },
  reporter: [['list']],
  use: {
    viewport: { width: 1440, height: 900 },
    headless: true,
    launchOptions: {
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    },
    trace: 'off',
  },
});
