// The server's log: JSON lines on stdout for `tenantry serve` (its --log-level), in the shape of every
// Tenantry log (platform/engine/log.ts): one line per request and per job, secrets redacted.
import pino, { type DestinationStream, type Logger } from 'pino';
import { createLog, type LogLevel } from '../engine/log.js';

export function createServerLog(level: LogLevel = 'info', destination: DestinationStream = pino.destination(1)): Logger {
  return createLog('tenantry-server', level, destination);
}
