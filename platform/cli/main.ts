// Entry of the `tenantry` CLI: main(argv, io) runs one command and returns the exit code (0 done, 1 refused or
// failed, 2 bad usage). bin/tenantry.mjs calls runFromProcess(); tests call main() in-process with their own io.
import { CommanderError } from 'commander';
import { isTenantryError, toErrorInfo, type ErrorInfo } from '../../shared/api/errors.js';
import { connect } from './connect.js';
import { UsageError, type CliIo, type Connector } from './context.js';
import { makeStyle } from './format.js';
import { buildProgram } from './program.js';
import { ReportedFailure, type VerbEnv } from './verb-kit.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export function processIo(): CliIo {
  // A reader that stops early (`tenantry info | head`) closes the pipe: stop quietly, as Unix tools do.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
  return {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    env: process.env,
    cwd: process.cwd(),
    isTTY: process.stdout.isTTY === true,
  };
}

export async function main(argv: readonly string[], io: CliIo = processIo(), connector: Connector = connect): Promise<number> {
  const env: VerbEnv = { io, connector, contexts: [] };
  const json = argv.includes('--json');
  const style = makeStyle(io.isTTY && !json);
  const jsonError = (info: ErrorInfo) => {
    if (json) io.stdout(JSON.stringify({ error: info }, null, 2) + '\n');
  };
  try {
    await buildProgram(env).parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help asked for, and the version, are successes (exit code 0); everything else commander reports is bad usage
      if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT_OK;
      jsonError({ code: 'BAD_INPUT', message: e.message.replace(/^error: /, '') });
      return EXIT_USAGE;
    }
    if (e instanceof UsageError) {
      io.stderr(`${style.red('error')}: ${e.message}\n(run with --help for usage and an example)\n`);
      jsonError({ code: 'BAD_INPUT', message: e.message });
      return EXIT_USAGE;
    }
    if (e instanceof ReportedFailure) return EXIT_FAILED;
    const info = toErrorInfo(e);
    io.stderr(`${style.red('error')} ${info.code}: ${info.message}\n`);
    if (!isTenantryError(e) && e instanceof Error && io.env['TENANTRY_DEBUG']) io.stderr(`${e.stack ?? ''}\n`);
    jsonError(info);
    return EXIT_FAILED;
  } finally {
    for (const c of env.contexts) {
      try {
        c.close();
      } catch {
        // closing after a failure must not hide the failure
      }
    }
  }
}

/** For bin/tenantry.mjs: real process streams; the exit code is set, not forced, so output is flushed. */
export async function runFromProcess(): Promise<void> {
  process.exitCode = await main(process.argv.slice(2));
}
