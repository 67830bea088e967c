// The JSON routes: one route per contract operation, jobs (start, read, cancel, events as SSE), the change feed
// and the snapshot. Writes (and job steps) go through the write lane; reads run at once.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ChangesQuerySchema } from '../../shared/api/changes.js';
import { TenantryError } from '../../shared/api/errors.js';
import { HEADERS } from '../../shared/api/http.js';
import { FINAL_JOB_STATES, StartJobRequestSchema, type RemoteJobEvent } from '../../shared/api/jobs.js';
import { ActorSchema, OPERATIONS, describeIssues, isOperationName, type OperationInput, type OperationName } from '../../shared/api/operations.js';
import { authorizeOperation, canSeeJob, filterOutput, requireWrite, type Principal } from './auth.js';
import { IdempotencyCache, type Answer } from './idempotency.js';
import type { ServerContext } from './server.js';

const ACTOR_MAX = 200;

/** Who the log records: the caller's own actor, attributed to the token that made the call. */
function actorOf(p: Principal, body: Record<string, unknown>): string {
  const given = typeof body['actor'] === 'string' && ActorSchema.safeParse(body['actor']).success ? (body['actor'] as string) : null;
  const who = given === null ? `token "${p.token.name}"` : `${given} via token "${p.token.name}"`;
  return who.length <= ACTOR_MAX ? who : `${who.slice(0, ACTOR_MAX - 1)}…`;
}

/** Parses and authorizes one call; returns the input to hand to the engine (the raw body, actor attributed). */
function prepareCall(ctx: ServerContext, p: Principal, op: OperationName, rawBody: unknown): Record<string, unknown> {
  // A read token is refused before its body is even parsed.
  if (OPERATIONS[op].kind === 'write') requireWrite(p, op);
  const body = rawBody === undefined || rawBody === null ? {} : rawBody;
  const parsed = OPERATIONS[op].input.safeParse(body);
  if (!parsed.success) {
    throw new TenantryError('BAD_INPUT', describeIssues(op, parsed.error.issues), {
      op,
      issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
    });
  }
  authorizeOperation(ctx.d, p, op, parsed.data as Record<string, unknown>);
  const raw = body as Record<string, unknown>;
  return OPERATIONS[op].kind === 'write' ? { ...raw, actor: actorOf(p, raw) } : raw;
}

export function registerApiRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { d } = ctx;

  /**
   * Sends what `body` answers; for a write with an Idempotency-Key, the first answer to that key (idempotency.ts).
   * The body's own errors become answers, so that a refusal is replayed like a success.
   */
  const answer = async (request: FastifyRequest, reply: FastifyReply, write: boolean, body: () => Promise<Answer>): Promise<FastifyReply> => {
    const produce = async (): Promise<Answer> => {
      try {
        return await body();
      } catch (e) {
        return ctx.errorAnswer(e, undefined, request);
      }
    };
    try {
      const key = request.headers[HEADERS.idempotencyKey];
      if (!write || key === undefined) return ctx.sendAnswer(reply, await produce());
      const out = await ctx.idempotency.run(ctx.principal(request).token.id, String(key), IdempotencyCache.fingerprint(request.url, request.body), produce);
      if (out.replayed) reply.header(HEADERS.replayed, 'true');
      return ctx.sendAnswer(reply, out);
    } catch (e) {
      return ctx.sendError(reply, e);
    }
  };

  app.post<{ Params: { name: string } }>('/api/v1/op/:name', async (request, reply) => {
    const name = request.params.name;
    const write = isOperationName(name) && OPERATIONS[name].kind === 'write';
    return answer(request, reply, write, async () => {
      const p = ctx.principal(request);
      if (!isOperationName(name)) throw new TenantryError('NOT_FOUND', `no operation "${name}" in the contract`, { op: name });
      const input = prepareCall(ctx, p, name, request.body);
      const run = () => d.invoke(name, input as OperationInput<typeof name>);
      const value = write ? await ctx.lane.run(run) : await run();
      return { status: 200, body: { ok: true, value: filterOutput(d, p, name, value) } };
    });
  });

  // ---- jobs ---------------------------------------------------------------------------------------------------

  // a retried start (the answer was lost) gets the job it started, not a second job
  app.post('/api/v1/jobs', async (request, reply) =>
    answer(request, reply, true, async () => {
      const p = ctx.principal(request);
      const req = StartJobRequestSchema.safeParse(request.body ?? {});
      if (!req.success) throw new TenantryError('BAD_INPUT', describeIssues('jobs', req.error.issues));
      const op = req.data.operation;
      if (!isOperationName(op)) throw new TenantryError('BAD_INPUT', `jobs: no operation "${op}" in the contract`, { op });
      if (!OPERATIONS[op].long) throw new TenantryError('BAD_INPUT', `jobs: ${op} is not a long operation; call POST /api/v1/op/${op}`, { op });
      const input = prepareCall(ctx, p, op, req.data.input);
      const job = ctx.jobs.start(op, input, { id: p.token.id, tenants: p.token.tenants });
      return { status: 202, body: { ok: true, value: { jobId: job.id } } };
    }),
  );

  const visibleJob = (p: Principal, id: string) => {
    const owner = d.jobs.owner(id);
    const job = owner && canSeeJob(p, owner) ? d.jobs.get(id) : undefined;
    if (!job) throw new TenantryError('NOT_FOUND', `no job ${id}`, { jobId: id });
    return job;
  };

  app.get<{ Params: { id: string } }>('/api/v1/jobs/:id', async (request, reply) => {
    try {
      return reply.send({ ok: true, value: visibleJob(ctx.principal(request), request.params.id) });
    } catch (e) {
      return ctx.sendError(reply, e);
    }
  });

  app.post<{ Params: { id: string } }>('/api/v1/jobs/:id/cancel', async (request, reply) => {
    try {
      const p = ctx.principal(request);
      requireWrite(p, 'cancelling a job');
      visibleJob(p, request.params.id);
      return reply.send({ ok: true, value: ctx.jobs.cancel(request.params.id) });
    } catch (e) {
      return ctx.sendError(reply, e);
    }
  });

  /** Server-sent events: replays the events after Last-Event-ID (or ?after=), then streams until the job ends. */
  app.get<{ Params: { id: string }; Querystring: { after?: string } }>('/api/v1/jobs/:id/events', async (request, reply) => {
    let job;
    try {
      job = visibleJob(ctx.principal(request), request.params.id);
    } catch (e) {
      return ctx.sendError(reply, e);
    }
    const fromHeader = request.headers['last-event-id'];
    const afterRaw = typeof fromHeader === 'string' ? fromHeader : (request.query.after ?? '0');
    const after = /^\d{1,9}$/.test(afterRaw) ? Number(afterRaw) : 0;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let last = after;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      unsubscribe();
      clearInterval(keepAlive);
      res.end();
    };
    const write = (e: RemoteJobEvent) => {
      if (ended || e.seq <= last) return;
      last = e.seq;
      res.write(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
      if (e.type === 'state' && e.state !== undefined && FINAL_JOB_STATES.includes(e.state)) end();
    };
    // Subscribe before the replay: both run in this turn of the event loop, so no event falls between them.
    const unsubscribe = ctx.jobs.subscribe(job.id, write);
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    res.on('close', end);
    for (const e of d.jobs.events(job.id, after)) write(e);
    const now = d.jobs.get(job.id);
    if (now && FINAL_JOB_STATES.includes(now.state)) end();
  });

  // ---- the change feed and the snapshot -------------------------------------------------------------------------

  app.get('/api/v1/changes', async (request, reply) => {
    try {
      const p = ctx.principal(request);
      const q = ChangesQuerySchema.safeParse(request.query ?? {});
      if (!q.success) throw new TenantryError('BAD_INPUT', describeIssues('changes', q.error.issues));
      return reply.send({ ok: true, value: d.changesSince(q.data.since, q.data.limit, p.tenants === null ? undefined : { tenants: p.tenants }) });
    } catch (e) {
      return ctx.sendError(reply, e);
    }
  });

  app.get('/api/v1/snapshot', async (request, reply) => {
    try {
      const p = ctx.principal(request);
      // the snapshot as text from the engine (a 10,000-tenant fleet is megabytes: no objects built to serialize again)
      const text = d.snapshotJson(p.tenants === null ? undefined : { tenants: p.tenants });
      return reply.type('application/json; charset=utf-8').send(`{"ok":true,"value":${text}}`);
    } catch (e) {
      return ctx.sendError(reply, e);
    }
  });
}
