// The log levels every Tenantry log accepts (pino's), for `tenantry serve --log-level` and the hosts' settings;
// here so the CLI's help lists them without loading the logger.
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
