#!/usr/bin/env node
// The `tenantry` command: registers tsx so the TypeScript sources run as they are, then starts the CLI.
// Paths are relative to this file, so it works from any working directory.
import { register } from 'tsx/esm/api';

register();
const { runFromProcess } = await import('../platform/cli/main.ts');
await runFromProcess();
