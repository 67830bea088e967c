// The `tenantry` command tree (commander): global options, help texts, and the verbs from verbs-*.ts.
// Commander never exits the process here: errors come back as CommanderError and main() maps them to exit 2.
import fs from 'node:fs';
import { Command, Option } from 'commander';
import { addAppVerbs } from './verbs-apps.js';
import { addServerVerbs } from './verbs-server.js';
import { addTenantVerbs } from './verbs-tenants.js';
import type { VerbEnv } from './verb-kit.js';

/** Verbs that do not open a deployment, so they take no --deployment. */
const NO_DEPLOYMENT = new Set(['deployment new', 'app new', 'app pack', 'app keygen', 'demo']);
/** Verbs that work on the folder itself (serving it, its tokens), never on a URL. */
const FOLDER_ONLY = new Set(['serve', 'token new', 'token list', 'token revoke']);

const ROOT_HELP = `
Examples:
  tenantry demo ./demo                                    two deployments with tenants and extensions
  export TENANTRY_DEPLOYMENT=./demo/east
  tenantry info                                           the app catalog
  tenantry publish ./out --skip-verification              every .app in ./out, in dependency order
  tenantry install "Contoso Loyalty" --tenant contoso-retail --install-dependencies
  tenantry tenant move contoso-retail --to ./demo/west --precheck-only

Remote deployments (a "tenantry serve"):
  tenantry tenant list --deployment https://erp.example.com:7049 --token tnt_...
  tenantry tenant move contoso-retail --deployment ./east --to https://west.example.com:7049 --to-token tnt_...

Environment:
  TENANTRY_DEPLOYMENT   the deployment folder (or https:// URL) when --deployment is not given
  TENANTRY_TOKEN        the API token for a URL when --token is not given
  TENANTRY_TO_TOKEN     the destination's token of "tenant move --to <url>" when --to-token is not given
  TENANTRY_ACTOR        the name recorded in the operation log (default: the OS user)

Exit codes: 0 done; 1 refused or failed ("error <CODE>: <message>" on stderr); 2 bad usage.
Run "tenantry <verb> --help" for a verb's options and an example.
`;

export function buildProgram(env: VerbEnv): Command {
  const program = new Command('tenantry');
  program
    .description('Manage Tenantry deployments: publish, install, upgrade and uninstall extensions per tenant; archives, moves, records')
    .version(readVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--deployment <folder|url>', 'the deployment folder or server URL (or set TENANTRY_DEPLOYMENT)')
    .option('--token <token>', 'API token for a server URL (or set TENANTRY_TOKEN)')
    .option('--insecure-http', 'allow plain http to a server that is not on this machine')
    .option('--json', 'print the exact JSON result of the operation')
    // Options after a verb belong to the verb (so `unpublish --version 1.0.0.0` is not the program's --version).
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: (s) => env.io.stdout(s), writeErr: (s) => env.io.stderr(s), outputError: (s, write) => write(s) })
    .showHelpAfterError('(run with --help for usage and an example)')
    .showSuggestionAfterError(true)
    .addHelpText('after', ROOT_HELP);

  addAppVerbs(program, env);
  addTenantVerbs(program, env);
  addServerVerbs(program, env);
  decorate(program, []);
  return program;
}

/** Every leaf verb gets --json and (unless it needs no deployment) --deployment; groups get an example. */
function decorate(cmd: Command, pathNames: string[]): void {
  for (const sub of cmd.commands) {
    const names = [...pathNames, sub.name()];
    if (sub.commands.length > 0) {
      decorate(sub, names);
      sub.addHelpText('after', `\nExample:\n  tenantry ${names.join(' ')} ${sub.commands[0]!.name()} --help\n`);
      continue;
    }
    const verb = names.join(' ');
    if (FOLDER_ONLY.has(verb)) sub.addOption(new Option('--deployment <folder>', 'the deployment folder (or set TENANTRY_DEPLOYMENT)'));
    else if (!NO_DEPLOYMENT.has(verb)) {
      sub.addOption(new Option('--deployment <folder|url>', 'the deployment folder or server URL (or set TENANTRY_DEPLOYMENT)'));
      sub.addOption(new Option('--token <token>', 'API token for a server URL (or set TENANTRY_TOKEN)'));
      sub.addOption(new Option('--insecure-http', 'allow plain http to a server that is not on this machine'));
    }
    sub.addOption(new Option('--json', 'print the exact JSON result of the operation'));
  }
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
