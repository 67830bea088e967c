// The tenant database's migrations, in order.
import type { Migration } from '../../db/migration.js';
import { m0010Meta } from './0010-meta.js';
import { m0020Schema } from './0020-schema.js';
import { m0030Archive } from './0030-archive.js';
import { m0040Registries } from './0040-registries.js';
import { m0050Log } from './0050-log.js';

export const TENANT_MIGRATIONS: readonly Migration[] = [m0010Meta, m0020Schema, m0030Archive, m0040Registries, m0050Log];
