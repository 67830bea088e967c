// The registry of benchmark scenarios, in the order of quality.md's performance table.
import type { Scenario } from '../lib/harness.js';

export const SCENARIOS: Scenario[] = [];
