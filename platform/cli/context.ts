// What every CLI verb works with: where output goes, --json or human output, the deployment to talk to,
// and the error types that decide the exit code (1 refused or failed, 2 bad usage).
import os from 'node:os';
import path from 'node:path';
import type { Invoker, OperationInput, OperationName, OperationOutput } from '../../shared/api/operations.js';
import { makeStyle, type Style } from './format.js';

/** The process surface the CLI touches; tests pass their own to run main() in-process. */
export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Colour and other niceties only when stdout is a terminal. */
  isTTY: boolean;
}

/** Bad usage found by the CLI itself (an unparseable --values, no deployment given...): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An Invoker that holds resources (database handles, sockets) until closed. */
export interface Connection extends Invoker {
  readonly target: string;
  close(): void;
  /** Remote deployments: long operations run as server jobs, their progress told line by line. */
  runLong?<N extends OperationName>(op: N, input: OperationInput<N>, progress: (line: string) => void): Promise<OperationOutput<N>>;
  /** Remote deployments: upload a tenant database file (staged dismounted; mount it by id after). */
  uploadTenantFile?(file: string): Promise<{ tenantId: string }>;
}

/** How to reach a remote deployment (ignored for folders). */
export interface ConnectOptions {
  token?: string;
  insecureHttp?: boolean;
  actor?: string;
  /** Told when a request is retried (network, 5xx, 429). */
  onRetry?: (line: string) => void;
}

export type Connector = (deployment: string, opts?: ConnectOptions) => Promise<Connection>;

export interface GlobalOptions {
  deployment?: string;
  json?: boolean;
  token?: string;
  insecureHttp?: boolean;
}

export const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);

export class CliContext {
  readonly style: Style;
  private connection: Connection | undefined;

  constructor(
    readonly io: CliIo,
    readonly globals: GlobalOptions,
    private readonly connector: Connector,
  ) {
    this.style = makeStyle(io.isTTY && !globals.json);
  }

  get json(): boolean {
    return this.globals.json === true;
  }

  /** Who is recorded in the operation log. */
  get actor(): string {
    const fromEnv = this.io.env['TENANTRY_ACTOR'];
    if (fromEnv) return fromEnv;
    let user = 'unknown';
    try {
      user = os.userInfo().username;
    } catch {
      // no passwd entry (containers): keep 'unknown'
    }
    return `${user} (cli)`;
  }

  /** The deployment folder (or URL) from --deployment or TENANTRY_DEPLOYMENT, resolved against the cwd. */
  deploymentTarget(): string {
    const raw = this.globals.deployment ?? this.io.env['TENANTRY_DEPLOYMENT'];
    if (!raw) throw new UsageError('no deployment given: pass --deployment <folder> or set TENANTRY_DEPLOYMENT');
    return isUrl(raw) ? raw : this.resolvePath(raw);
  }

  /** The token for a remote deployment: --token, else TENANTRY_TOKEN. */
  token(): string | undefined {
    return this.globals.token ?? this.io.env['TENANTRY_TOKEN'];
  }

  /** How to connect to `target`: a URL needs a token. */
  connectOptions(target: string, token = this.token()): ConnectOptions {
    if (!isUrl(target)) return {};
    if (!token)
      throw new UsageError(`${target} is a remote deployment: pass --token <token> or set TENANTRY_TOKEN (an admin makes one with "tenantry token new")`);
    return { token, insecureHttp: this.globals.insecureHttp === true, actor: this.actor, onRetry: (line) => this.io.stderr(`${line}\n`) };
  }

  resolvePath(p: string): string {
    return path.resolve(this.io.cwd, p);
  }

  async invoker(): Promise<Connection> {
    if (!this.connection) {
      const target = this.deploymentTarget();
      this.connection = await this.connector(target, this.connectOptions(target));
    }
    return this.connection;
  }

  /**
   * Runs one operation of the contract; write operations carry the actor for the log. Against a server, long
   * operations run as jobs with their progress on stderr.
   */
  async run<N extends OperationName>(op: N, input: OperationInput<N>, write = false): Promise<OperationOutput<N>> {
    const inv = await this.invoker();
    const withActor = write ? ({ ...input, actor: this.actor } as OperationInput<N>) : input;
    // The contract (zod schemas) is loaded here, on first use: help and usage errors never pay for it.
    const { OPERATIONS } = await import('../../shared/api/operations.js');
    if (OPERATIONS[op].long && inv.runLong) return inv.runLong(op, withActor, (line) => this.io.stderr(`${line}\n`));
    return inv.invoke(op, withActor);
  }

  close(): void {
    this.connection?.close();
    this.connection = undefined;
  }

  /** With --json: the value as JSON; otherwise the human rendering. */
  emit(value: unknown, human: () => string): void {
    if (this.json) this.io.stdout(JSON.stringify(value, null, 2) + '\n');
    else this.io.stdout(human());
  }
}
