// Structured logs (pino) in one shape for every host: the server (JSON lines on stdout), the console (a rotating
// file in its data folder, electron/backend/console-log.ts) and the CLI (--verbose, on stderr). Secrets are
// redacted wherever they may appear (the Authorization header, tokens, passwords); errors carry their stack
// under `err`. Each operation writes one line with its id; the id reaches the person as the refusal's `ref`.
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../../shared/api/log-levels.js';

export type { LogLevel } from '../../shared/api/log-levels.js';

export const REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'token',
  '*.token',
  '*.*.token',
  'password',
  '*.password',
  'secret',
  '*.secret',
];

/** A logger named for its host (`tenantry-server`, `tenantry-console`, `tenantry-cli`) writing JSON lines to `destination`. */
export function createLog(name: string, level: LogLevel, destination: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { name, pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}

/** For hosts and tests that log nothing. */
export function silentLog(): Logger {
  return pino({ level: 'silent' });
}
