// Types for pino-roll 4 (it ships none): build(options) resolves to a SonicBoom stream pino writes to.
declare module 'pino-roll' {
  import type { DestinationStream } from 'pino';
  interface PinoRollOptions {
    file: string | (() => string);
    size?: number | string;
    frequency?: number | 'daily' | 'hourly' | 'custom';
    extension?: string;
    limit?: { count?: number; removeOtherLogFiles?: boolean };
    mkdir?: boolean;
    symlink?: boolean;
    dateFormat?: string;
    sync?: boolean;
  }
  export default function build(options: PinoRollOptions): Promise<DestinationStream & { end(): void; flushSync(): void }>;
}
