// Small helpers every verb file uses: wiring a commander action to a CliContext, option parsers that turn
// bad values into usage errors (exit 2), and the "already reported" failure for partial results.
import { Command, InvalidArgumentError } from 'commander';
import { CliContext, type CliIo, type Connector, type GlobalOptions } from './context.js';

export interface VerbEnv {
  io: CliIo;
  connector: Connector;
  /** Contexts created by actions, closed by main() whatever happens. */
  contexts: CliContext[];
}

/**
 * The outcome was printed already (per-tenant results with some failures, a pre-check that found problems):
 * main() exits 1 without printing again.
 */
export class ReportedFailure extends Error {
  constructor(message = 'failed') {
    super(message);
    this.name = 'ReportedFailure';
  }
}

export type VerbHandler<O> = (ctx: CliContext, args: string[], opts: O) => Promise<void>;

/** Attaches a handler; it gets a context carrying the global options (--deployment, --json). */
export function action<O>(cmd: Command, env: VerbEnv, handler: VerbHandler<O>): Command {
  return cmd.action(async (...all: unknown[]) => {
    const command = all[all.length - 1] as Command;
    const globals = command.optsWithGlobals<GlobalOptions>();
    const ctx = new CliContext(
      env.io,
      { deployment: globals.deployment, json: globals.json, token: globals.token, insecureHttp: globals.insecureHttp },
      env.connector,
    );
    env.contexts.push(ctx);
    await handler(ctx, command.processedArgs as string[], command.opts<O & object>() as O);
  });
}

/** Repeatable option: `--tenant a --tenant b` (also `--tenant a,b`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  const parts = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return [...(previous ?? []), ...parts];
}

export function nonNegativeInt(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new InvalidArgumentError('expected a whole number (0 or more).');
  return Number(value);
}

export function positiveInt(value: string): number {
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number (1 or more).');
  return Number(value);
}

/** A JSON object given on the command line (`--values '{"No.":"C1"}'`). */
export function jsonObject(value: string): Record<string, string | number | boolean | null> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (e) {
    throw new InvalidArgumentError(`not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new InvalidArgumentError('expected a JSON object such as {"No.":"C00010","Name":"Adatum"}.');
  for (const [k, v] of Object.entries(parsed)) {
    if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new InvalidArgumentError(`field "${k}": values must be strings, numbers, booleans or null.`);
    }
  }
  return parsed as Record<string, string | number | boolean | null>;
}

/** Adds the standard "Example:" block to a verb's help. */
export function example(cmd: Command, ...lines: string[]): Command {
  return cmd.addHelpText('after', `\nExample${lines.length > 1 ? 's' : ''}:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
}
