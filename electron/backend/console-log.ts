// The console's log: JSON lines (platform/engine/log.ts) in a rotating file in its data folder,
// `<data>/logs/console.N.log`, a new file every 10 MiB or day, the last 7 kept. One line per console operation
// with its id, which the renderer shows with a refusal as its "ref".
import path from 'node:path';
import type { Logger } from 'pino';
import pinoRoll from 'pino-roll';
import { createLog, type LogLevel } from '../../platform/engine/log.js';

export const CONSOLE_LOG_FOLDER = 'logs';

export async function openConsoleLog(dataDir: string, level: LogLevel = 'info'): Promise<Logger> {
  const stream = await pinoRoll({
    file: path.join(dataDir, CONSOLE_LOG_FOLDER, 'console'),
    extension: '.log',
    size: '10m',
    frequency: 'daily',
    limit: { count: 7 },
    mkdir: true,
    // a few lines a minute: written at once, so a crash loses none and the line of an error is there when it shows
    sync: true,
  });
  return createLog('tenantry-console', level, stream);
}
