// The deployment database's migrations, in order.
import type { Migration } from '../../db/migration.js';
import { m0010Catalog } from './0010-catalog.js';
import { m0020Tenants } from './0020-tenants.js';
import { m0030Log } from './0030-log.js';
import { m0040Moves } from './0040-moves.js';
import { m0050Changes } from './0050-changes.js';
import { m0060Tokens } from './0060-tokens.js';
import { m0070Jobs } from './0070-jobs.js';
import { m0080TenantMirror } from './0080-tenant-mirror.js';

export const DEPLOYMENT_MIGRATIONS: readonly Migration[] = [
  m0010Catalog,
  m0020Tenants,
  m0030Log,
  m0040Moves,
  m0050Changes,
  m0060Tokens,
  m0070Jobs,
  m0080TenantMirror,
];
