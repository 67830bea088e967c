// The management server of a remote deployment (Fastify): every operation of the contract at
// POST /api/v1/op/<name>, long operations as jobs (/api/v1/jobs, progress as SSE), the change feed and snapshot a
// console mirrors, tenant files for moves between servers, and GET /health. It adds no behaviour of its own: every
// handler authenticates (auth.ts), parses its input with the contract's schema, calls the engine, and answers
// {ok: true, value} or {ok: false, error} with the HTTP status of the error code (shared/api/http.ts).
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { TenantryError, toErrorInfo, type ErrorInfo } from '../../shared/api/errors.js';
import { httpStatusOf, isLoopbackHost } from '../../shared/api/http.js';
import { OPERATIONS, isOperationName } from '../../shared/api/operations.js';
import type { Deployment } from '../engine/deployment.js';
import { SERVER_LOCK_FILE } from '../engine/server-lock.js';
import { authenticate, type Principal } from './auth.js';
import { IdempotencyCache, type Answer } from './idempotency.js';
import { JobRunner } from './job-runner.js';
import { registerApiRoutes } from './routes-api.js';
import { registerFileRoutes } from './routes-files.js';
import { WriteLane } from './write-lane.js';

export interface ServerOptions {
  deployment: Deployment;
  /** Largest JSON body (a base64 package of publish is the big one). Default 64 MiB. */
  bodyLimit?: number;
  /** Write requests that may be in flight (received, not yet answered); more are refused with 429. Default 256. */
  maxInFlightWrites?: number;
  /** Jobs that may be queued or running at once; more are refused with 429. Default 64. */
  maxActiveJobs?: number;
  retryAfterSeconds?: number;
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Where request and operation lines go (server-log.ts); none: nothing is logged. */
  log?: Logger;
}

export interface ServerContext {
  d: Deployment;
  lane: WriteLane;
  jobs: JobRunner;
  principal(request: FastifyRequest): Principal;
  sendError(reply: FastifyReply, e: unknown, status?: number): FastifyReply;
  /** The answer to an error, as sendError sends it (for answers that are kept and replayed). */
  errorAnswer(e: unknown, status?: number, request?: FastifyRequest): Answer;
  /** Sends an answer: its status, headers and JSON body. */
  sendAnswer(reply: FastifyReply, answer: Answer): FastifyReply;
  /** Answers of writes by Idempotency-Key, replayed to a retry. */
  idempotency: IdempotencyCache;
}

export const DEFAULT_BODY_LIMIT = 64 * 1024 * 1024;

/** Builds the Fastify app for an open Deployment (the caller listens and closes). */
export async function createServer(opts: ServerOptions): Promise<FastifyInstance> {
  const d = opts.deployment;
  const retryAfter = opts.retryAfterSeconds ?? 1;
  const lane = new WriteLane({ maxInFlight: opts.maxInFlightWrites ?? 256, retryAfterSeconds: retryAfter });
  const jobs = new JobRunner(d, lane, opts.maxActiveJobs ?? 64, retryAfter, opts.log);
  const app = Fastify({
    logger: false,
    // open SSE streams must not keep close() waiting
    forceCloseConnections: true,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    ...(opts.tls ? { https: { cert: opts.tls.cert, key: opts.tls.key } } : {}),
    // tenant ids, operation names and job ids only: no reason to accept long path parameters
    routerOptions: { maxParamLength: 200 },
    // every request gets an id, sent back as x-request-id and on each of its log lines
    genReqId: () => randomUUID(),
  });
  const principals = new WeakMap<FastifyRequest, Principal>();
  const outcomes = new WeakMap<FastifyRequest, string>();
  const log = opts.log;

  /** The answer to a refusal or failure; an unexpected error (not a TenantryError) is logged with its stack first. */
  const errorAnswer = (e: unknown, statusOverride?: number, request?: FastifyRequest): Answer => {
    if (!(e instanceof TenantryError)) log?.error({ reqId: request?.id, err: e }, 'unexpected error');
    const info: ErrorInfo = toErrorInfo(e);
    // the stack and message stay in the log; the caller gets the id that finds them
    if (!(e instanceof TenantryError) && request) info.message = `an unexpected error (see the server log, request ${request.id})`;
    const headers: Record<string, string> = {};
    if (info.code === 'OVERLOADED') headers['retry-after'] = String((info.details?.['retryAfter'] as number | undefined) ?? retryAfter);
    if (info.code === 'UNAUTHORIZED') headers['www-authenticate'] = 'Bearer realm="tenantry"';
    return { status: statusOverride ?? httpStatusOf(info.code), body: { ok: false, error: info }, headers };
  };
  /** Sends an answer with the request's id in x-request-id; a refusal also carries it as `error.ref` (its log line). */
  const sendAnswer = (reply: FastifyReply, a: Answer): FastifyReply => {
    const body = a.body as { ok?: boolean; error?: ErrorInfo } | undefined;
    if (body?.ok === false && body.error) {
      body.error.ref ??= reply.request.id;
      outcomes.set(reply.request, body.error.code);
    }
    return reply
      .code(a.status)
      .headers(a.headers ?? {})
      .header('x-request-id', reply.request.id)
      .type('application/json')
      .send(a.body);
  };
  const sendError = (reply: FastifyReply, e: unknown, statusOverride?: number): FastifyReply =>
    sendAnswer(reply, errorAnswer(e, statusOverride, reply.request));

  const ctx: ServerContext = {
    d,
    lane,
    jobs,
    principal: (request) => {
      const p = principals.get(request);
      if (!p) throw new TenantryError('UNAUTHORIZED', 'a token is required');
      return p;
    },
    sendError,
    errorAnswer,
    sendAnswer,
    idempotency: new IdempotencyCache(),
  };

  // Authentication first, before any body is parsed: an unauthenticated caller cannot make the server do work. Then
  // admission: a write request beyond the in-flight bound is refused before its body is read.
  const admitted = new WeakSet<FastifyRequest>();
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    try {
      principals.set(request, authenticate(d, request.headers.authorization));
      if (isWriteRequest(request.method, request.url)) {
        lane.admit();
        admitted.add(request);
      }
    } catch (e) {
      return sendError(reply, e);
    }
  });
  const release = async (request: FastifyRequest): Promise<void> => {
    if (admitted.delete(request)) lane.release();
  };
  app.addHook('onResponse', release);
  // One line per request: its id, the operation, tenant, duration and outcome (the error code when refused).
  app.addHook('onResponse', async (request, reply) => {
    if (!log) return;
    const route = request.url.split('?')[0] ?? '';
    const op = /^\/api\/v1\/op\/([^/]+)$/.exec(route)?.[1];
    const input = (request.body ?? {}) as { tenantId?: unknown; tenantIds?: unknown; operation?: unknown };
    const tenant = typeof input.tenantId === 'string' ? input.tenantId : Array.isArray(input.tenantIds) ? input.tenantIds.join(',') : undefined;
    const outcome = outcomes.get(request) ?? (reply.statusCode < 400 ? 'ok' : `status ${reply.statusCode}`);
    log.info(
      {
        reqId: request.id,
        method: request.method,
        route,
        op: op ?? (typeof input.operation === 'string' ? input.operation : undefined),
        tenant,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        outcome,
      },
      `${request.method} ${route} ${outcome}`,
    );
  });
  app.addHook('onRequestAbort', release);

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error instanceof TenantryError) return sendError(reply, error);
    const code = error.code ?? '';
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return sendError(reply, new TenantryError('BAD_INPUT', `the request body is larger than ${opts.bodyLimit ?? DEFAULT_BODY_LIMIT} bytes`), 413);
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendError(reply, new TenantryError('BAD_INPUT', 'send the body as application/json'), 415);
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      const what = code.startsWith('FST_ERR_CTP') ? 'the request body is not valid JSON' : 'bad request';
      return sendError(reply, new TenantryError('BAD_INPUT', `${what}: ${error.message}`), 400);
    }
    return sendError(reply, error);
  });

  app.setNotFoundHandler((request, reply) => sendError(reply, new TenantryError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`)));

  // Jobs stop before their next tenant when the server closes (a restart marks them interrupted).
  app.addHook('onClose', async () => {
    await jobs.shutdown();
  });

  // Reveals nothing but that the server answers.
  app.get('/health', async () => ({ ok: true }));

  registerApiRoutes(app, ctx);
  registerFileRoutes(app, ctx);
  return app;
}

/** Requests that change the deployment: write operations, job starts, tenant uploads. */
function isWriteRequest(method: string, url: string): boolean {
  const route = url.split('?')[0] ?? '';
  if (method === 'PUT' && route.startsWith('/api/v1/tenants/')) return true;
  if (method !== 'POST') return false;
  if (route === '/api/v1/jobs') return true;
  const m = /^\/api\/v1\/op\/([^/]+)$/.exec(route);
  return m !== null && isOperationName(m[1]!) && OPERATIONS[m[1]!].kind === 'write';
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  deployment: Deployment;
  close(): Promise<void>;
}

/**
 * Opens the deployment folder, marks jobs a previous process left running as interrupted, listens, and writes
 * <folder>/server.lock (pid and url) so no other process opens the folder directly while it is served
 * (platform/engine/server-lock.ts).
 */
export async function startServer(
  opts: Omit<ServerOptions, 'deployment' | 'tls'> & {
    folder: string;
    host: string;
    port: number;
    tls?: { certFile: string; keyFile: string };
    /** Plain HTTP on an address other than loopback sends tokens in clear: refused unless this is set. */
    insecureHttp?: boolean;
  },
): Promise<RunningServer> {
  if (!opts.tls && !isLoopbackHost(opts.host) && !opts.insecureHttp) {
    throw new TenantryError(
      'BAD_INPUT',
      `listening on ${opts.host} without TLS would send tokens in clear: give --tls-cert and --tls-key, or listen on 127.0.0.1 (or pass --insecure-http)`,
      { host: opts.host },
    );
  }
  const readPem = (file: string, what: string): Buffer => {
    try {
      return fs.readFileSync(file);
    } catch (e) {
      throw new TenantryError('NOT_FOUND', `${what} ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, {
        file,
      });
    }
  };
  const tls = opts.tls ? { cert: readPem(opts.tls.certFile, 'TLS certificate'), key: readPem(opts.tls.keyFile, 'TLS key') } : undefined;
  const { Deployment } = await import('../engine/deployment.js');
  const deployment = Deployment.open(opts.folder);
  let app: FastifyInstance | undefined;
  try {
    deployment.jobs.markInterrupted();
    const { tls: _files, folder: _folder, host: _host, port: _port, insecureHttp: _insecure, ...limits } = opts;
    app = await createServer({ ...limits, deployment, ...(tls ? { tls } : {}) });
    await app.listen({ host: opts.host, port: opts.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : opts.port;
    const host = opts.host.includes(':') && !opts.host.startsWith('[') ? `[${opts.host}]` : opts.host;
    const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
    const lock = path.join(deployment.folder, SERVER_LOCK_FILE);
    fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, url, startedAt: new Date().toISOString() }) + '\n');
    const started = app;
    let closed = false;
    return {
      url,
      app: started,
      deployment,
      close: async () => {
        if (closed) return;
        closed = true;
        await started.close();
        deployment.close();
        fs.rmSync(lock, { force: true });
      },
    };
  } catch (e) {
    await app?.close().catch(() => undefined);
    deployment.close();
    throw e;
  }
}
