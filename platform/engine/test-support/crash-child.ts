// Child process of the crash test: opens a prepared deployment and runs ONE operation. The parent sets
// TENANTRY_FAULT=<op>:<k> so the k-th fault point SIGKILLs this process mid-operation. Sets nothing up itself.
// Usage: node --import tsx platform/engine/test-support/crash-child.ts <scenario> <folder> [<destination folder>]
import { Deployment } from '../deployment.js';
import { IDS } from './fixtures.js';

const [scenario, folder, destination] = process.argv.slice(2);
if (!scenario || !folder) {
  process.stderr.write('usage: crash-child.ts <scenario> <folder> [<destination>]\n');
  process.exit(2);
}
const d = Deployment.open(folder);
switch (scenario) {
  case 'install':
    d.installOne('t1', IDS.core, { version: '1.0.0.0' });
    break;
  case 'install-many': {
    const failed = d.install(['t1', 't6'], IDS.core, { version: '1.0.0.0' }).filter((r) => !r.ok);
    if (failed.length > 0) throw new Error(`install failed: ${JSON.stringify(failed)}`);
    break;
  }
  case 'install-restore':
    d.installOne('t2', IDS.core, { version: '2.0.0.0' });
    break;
  case 'uninstall':
    d.uninstall('t3', IDS.core);
    break;
  case 'upgrade':
    d.upgradeOne('t4', IDS.core, { version: '2.0.0.0' });
    break;
  case 'move': {
    if (!destination) throw new Error('move needs a destination');
    const dest = Deployment.open(destination);
    d.moveTenant('t5', dest);
    dest.close();
    break;
  }
  default:
    throw new Error(`unknown scenario ${scenario}`);
}
d.close();
process.stdout.write('done\n');
