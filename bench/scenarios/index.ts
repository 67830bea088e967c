// The registry of benchmark scenarios, in the order of quality.md's performance table.
import type { Scenario } from '../lib/harness.js';
import { archiveScenario } from './archive.js';
import { cliStartScenario } from './cli-start.js';
import { consoleCacheScenario } from './console-cache.js';
import { matrixFirstPaintScenario } from './matrix-first-paint.js';
import { matrixScrollScenario } from './matrix-scroll.js';
import { installFleetScenario } from './install-fleet.js';
import { moveScenario } from './move.js';
import { publishCatalogScenario } from './publish-catalog.js';
import { serverLoadScenario } from './server-load.js';

export const SCENARIOS: Scenario[] = [
  matrixScrollScenario,
  matrixFirstPaintScenario,
  installFleetScenario,
  archiveScenario,
  moveScenario,
  consoleCacheScenario,
  publishCatalogScenario,
  serverLoadScenario,
  cliStartScenario,
];
