// What the workflow services (archive, moves, upgrades, history) need from the console services: the
// connections, a driver per connection, the cache, the audit log and the jobs. Passed in, so each service can
// be tested on its own against real deployments.
import type { Connection } from '../../shared/api/console.js';
import type { AuditLog } from './audit-log.js';
import type { SnapshotCache } from './cache.js';
import type { Driver } from './drivers/driver.js';
import type { JobService } from './jobs.js';
import type { PackageDefinitions } from './package-definitions.js';

export interface ServiceContext {
  actor: string;
  connections(): Connection[];
  /** throws NOT_FOUND naming the id */
  connection(id: string): Connection;
  driverFor(connectionId: string): Driver;
  /** an extension's name as last read from that deployment (its id when unknown) */
  appName(connectionId: string, appId: string): string;
  cache: SnapshotCache;
  audit: AuditLog;
  jobs: JobService;
  definitions: PackageDefinitions;
  /**
   * Stops the connection's engine and holds every new call to it until the returned release is called (a local
   * move opens the destination folder itself and nothing else may have it open meanwhile).
   */
  suspend(connectionId: string): Promise<() => void>;
}
