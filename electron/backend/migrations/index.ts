// The console database's migrations, in order. A new migration gets the next number and is never edited once released.
import type { Migration } from '../db.js';
import { migration0010 } from './0010-connections.js';
import { migration0020 } from './0020-cache.js';
import { migration0030 } from './0030-audit.js';
import { migration0040 } from './0040-jobs.js';
import { migration0050 } from './0050-workflows.js';

export const MIGRATIONS: readonly Migration[] = [migration0010, migration0020, migration0030, migration0040, migration0050];
