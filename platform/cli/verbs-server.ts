// Verbs for remote deployments: serve (the management server over a deployment folder) and token new/list/revoke
// (its API tokens, stored hashed in the deployment database). Both work on the folder, never on a URL.
import { Command, InvalidArgumentError, Option } from 'commander';
import { LOG_LEVELS, type LogLevel } from '../../shared/api/log-levels.js';
import type { CliContext } from './context.js';
import { isUrl, UsageError } from './context.js';
import { renderTable, shortTime } from './format.js';
import { action, collect, example, positiveInt, type VerbEnv } from './verb-kit.js';

/** host:port, [v6]:port; port 0 picks a free one. */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(value);
  if (!m || Number(m[3]) > 65535) throw new InvalidArgumentError('expected host:port, e.g. 127.0.0.1:7049 or [::1]:7049.');
  return { host: (m[1] ?? m[2])!, port: Number(m[3]) };
}

function folderOf(ctx: CliContext, verb: string): string {
  const target = ctx.deploymentTarget();
  if (isUrl(target)) throw new UsageError(`${verb} works on a deployment folder, not on a URL (${target})`);
  return target;
}

export function addServerVerbs(program: Command, env: VerbEnv): void {
  example(
    action<{
      listen: { host: string; port: number };
      tlsCert?: string;
      tlsKey?: string;
      insecureHttp?: boolean;
      maxInFlightWrites?: number;
      logLevel: LogLevel;
    }>(
      program
        .command('serve')
        .description('Serve a deployment folder over HTTPS (HTTP on loopback): the management API for remote CLIs and consoles; stops on Ctrl+C')
        .requiredOption('--listen <host:port>', 'address to listen on (port 0: any free port)', parseListen)
        .option('--tls-cert <file>', 'PEM certificate (with --tls-key): serve HTTPS')
        .option('--tls-key <file>', 'PEM private key of the certificate')
        .option('--insecure-http', 'allow plain HTTP on an address that is not loopback (tokens in clear)')
        .addOption(new Option('--max-in-flight-writes <n>', 'write requests in hand at once; more get 429 + Retry-After').argParser(positiveInt))
        .addOption(
          new Option('--log-level <level>', 'JSON log lines on stdout from this level: one per request (id, operation, tenant, duration, outcome)')
            .choices([...LOG_LEVELS])
            .default('info'),
        ),
      env,
      async (ctx, _args, o) => {
        const folder = folderOf(ctx, 'serve');
        if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) throw new UsageError('give both --tls-cert and --tls-key, or neither');
        const { startServer } = await import('../server/server.js');
        const { createServerLog } = await import('../server/server-log.js');
        const server = await startServer({
          log: createServerLog(o.logLevel),
          folder,
          host: o.listen.host,
          port: o.listen.port,
          ...(o.tlsCert !== undefined && o.tlsKey !== undefined ? { tls: { certFile: ctx.resolvePath(o.tlsCert), keyFile: ctx.resolvePath(o.tlsKey) } } : {}),
          insecureHttp: o.insecureHttp === true || ctx.globals.insecureHttp === true,
          ...(o.maxInFlightWrites !== undefined ? { maxInFlightWrites: o.maxInFlightWrites } : {}),
        });
        // With --json, stdout is JSON Lines: this listening line first, then the log's lines.
        const listening = { url: server.url, folder: server.deployment.folder, pid: process.pid };
        if (ctx.json) ctx.io.stdout(JSON.stringify(listening) + '\n');
        else ctx.io.stdout(`serving ${server.deployment.folder} at ${server.url} (pid ${process.pid}); Ctrl+C stops\n`);
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await server.close();
        if (!ctx.json) ctx.io.stderr('stopped\n');
      },
    ),
    'tenantry serve --deployment ./east --listen 127.0.0.1:7049',
    'tenantry serve --deployment /srv/east --listen 0.0.0.0:7049 --tls-cert east.pem --tls-key east-key.pem',
  );

  const token = program.command('token').description('API tokens of a deployment served with "tenantry serve" (stored hashed; shown once)');
  example(
    action<{ scope: 'read' | 'admin'; tenant?: string[]; name?: string }>(
      token
        .command('new')
        .description('Make a token and print it once: read (read operations) or admin (everything), optionally limited to tenants')
        .addOption(new Option('--scope <scope>', 'read or admin').choices(['read', 'admin']).makeOptionMandatory())
        .option('--tenant <id>', 'limit the token to this tenant (repeatable)', collect)
        .option('--name <name>', 'a name to recognise (and revoke) it by'),
      env,
      async (ctx, _args, o) => {
        const { openTokenStore } = await import('../engine/token-store.js');
        const { store, close } = openTokenStore(folderOf(ctx, 'token new'));
        try {
          const made = store.create({
            scope: o.scope,
            ...(o.tenant ? { tenants: o.tenant } : {}),
            ...(o.name !== undefined ? { name: o.name } : {}),
            createdBy: ctx.actor,
          });
          ctx.emit(
            { token: made.token, ...made.info },
            () =>
              `${made.token}\n` +
              `token "${made.info.name}" (${made.info.scope}${made.info.tenants ? `, tenants ${made.info.tenants.join(', ')}` : ', every tenant'}); store it now: it is not shown again\n`,
          );
        } finally {
          close();
        }
      },
    ),
    'tenantry token new --deployment ./east --scope admin --name ops',
    'tenantry token new --deployment ./east --scope read --tenant contoso-retail --name contoso-dashboard',
  );
  example(
    action(token.command('list').description('List the tokens (never their secrets)'), env, async (ctx) => {
      const { openTokenStore } = await import('../engine/token-store.js');
      const { store, close } = openTokenStore(folderOf(ctx, 'token list'));
      try {
        const tokens = store.list();
        ctx.emit({ tokens }, () =>
          tokens.length === 0
            ? 'no tokens\n'
            : renderTable(
                ['Id', 'Name', 'Scope', 'Tenants', 'Created', 'By', 'Revoked'],
                tokens.map((t) => [
                  t.id,
                  t.name,
                  t.scope,
                  t.tenants ? t.tenants.join(', ') : '(all)',
                  shortTime(t.createdAt),
                  t.createdBy,
                  shortTime(t.revokedAt),
                ]),
                ctx.style,
              ),
        );
      } finally {
        close();
      }
    }),
    'tenantry token list --deployment ./east',
  );
  example(
    action(token.command('revoke').description('Revoke a token at once (by id or name)').argument('<token>', 'token id or name'), env, async (ctx, [which]) => {
      const { openTokenStore } = await import('../engine/token-store.js');
      const { store, close } = openTokenStore(folderOf(ctx, 'token revoke'));
      try {
        const info = store.revoke(which!);
        ctx.emit(info, () => `revoked token "${info.name}" (${info.id})\n`);
      } finally {
        close();
      }
    }),
    'tenantry token revoke ops --deployment ./east',
  );
}
