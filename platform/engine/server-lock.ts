// One owner per deployment folder while it is served. `tenantry serve` writes <folder>/server.lock (its pid and URL)
// once it listens; every other process that opens the folder (the CLI, the console's local driver, a script using
// the engine) is refused while that process lives, and told the URL to use instead: opening the folder would run
// crash recovery under the live server and could finish its operations in progress as if they had crashed. A lock
// left by a process that is gone (killed, crashed) is ignored; the server overwrites it when it starts again.
import fs from 'node:fs';
import path from 'node:path';
import { TenantryError } from '../../shared/api/errors.js';

export const SERVER_LOCK_FILE = 'server.lock';

/** The live server process that serves `folder`, if one does (not this process). */
export function servedBy(folder: string): { pid: number; url: string } | null {
  let lock: { pid?: unknown; url?: unknown };
  try {
    lock = JSON.parse(fs.readFileSync(path.join(folder, SERVER_LOCK_FILE), 'utf8')) as { pid?: unknown; url?: unknown };
  } catch {
    return null; // no lock, or unreadable: nobody claims the folder
  }
  if (typeof lock.pid !== 'number' || typeof lock.url !== 'string' || lock.pid === process.pid) return null;
  try {
    process.kill(lock.pid, 0);
  } catch (e) {
    // EPERM: the process lives but belongs to another user, which still serves the folder
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  return { pid: lock.pid, url: lock.url };
}

/** Throws when another live process serves the folder, naming the URL to use instead. */
export function refuseIfServed(folder: string): void {
  const served = servedBy(folder);
  if (!served) return;
  throw new TenantryError(
    'DEPLOYMENT_INVALID',
    `${folder} is being served by process ${served.pid} at ${served.url}: connect to ${served.url} (with a token) while it runs`,
    {
      folder,
      url: served.url,
      pid: served.pid,
    },
  );
}
