// Tenant files, for moves between deployments in different processes: GET streams a dismounted tenant's database
// file with its SHA-256 in a header; PUT receives one into a temp file (hashing as it arrives), then checks the
// SHA-256, integrity_check and the mount checks, and registers the tenant DISMOUNTED (tenant.mount makes it live;
// in a move that happens only after the source has let the tenant go). Both need an admin token.
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { TenantryError } from '../../shared/api/errors.js';
import { HEADERS, TENANT_FILE_CONTENT_TYPE } from '../../shared/api/http.js';
import { ActorSchema, TenantIdSchema } from '../../shared/api/operations.js';
import { receiveToTempFile, sendTenantFile } from '../engine/tenant-transfer.js';
import { requireTenant, requireWrite } from './auth.js';
import type { ServerContext } from './server.js';

const SHA256 = /^[0-9a-f]{64}$/i;

function tenantIdParam(raw: string): string {
  const parsed = TenantIdSchema.safeParse(raw);
  if (!parsed.success)
    throw new TenantryError('BAD_INPUT', `tenant id "${raw}" is not valid: use 1-63 letters, digits and "-", starting with a letter or digit`, {
      tenantId: raw,
    });
  return parsed.data;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function registerFileRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { d } = ctx;
  // The body of a PUT is handed to the route as the request stream itself: never buffered, never size-limited here
  // (receiveToTempFile bounds it).
  app.addContentTypeParser(TENANT_FILE_CONTENT_TYPE, (_request, payload, done) => done(null, payload));

  app.get<{ Params: { id: string } }>('/api/v1/tenants/:id/file', async (request, reply) => {
    try {
      const p = ctx.principal(request);
      requireWrite(p, 'reading a tenant database file');
      const id = tenantIdParam(request.params.id);
      requireTenant(d, p, id);
      const f = sendTenantFile(d, id);
      return reply.header(HEADERS.sha256, f.sha256).header('content-length', String(f.size)).type(TENANT_FILE_CONTENT_TYPE).send(f.stream);
    } catch (e) {
      return ctx.sendError(reply, e);
    }
  });

  app.put<{ Params: { id: string } }>('/api/v1/tenants/:id/file', async (request, reply) => {
    let temp: string | undefined;
    try {
      const p = ctx.principal(request);
      requireWrite(p, 'uploading a tenant database file');
      const id = tenantIdParam(request.params.id);
      requireTenant(d, p, id);
      const type = header(request.headers['content-type'])?.split(';')[0]?.trim().toLowerCase();
      if (type !== TENANT_FILE_CONTENT_TYPE) throw new TenantryError('BAD_INPUT', `send the tenant file as ${TENANT_FILE_CONTENT_TYPE}`);
      const sha256 = header(request.headers[HEADERS.sha256]);
      if (sha256 === undefined || !SHA256.test(sha256))
        throw new TenantryError('BAD_INPUT', `header ${HEADERS.sha256} must hold the file's SHA-256 (64 hex digits)`);
      const moveId = header(request.headers[HEADERS.moveId]);
      if (moveId !== undefined && !/^[A-Za-z0-9-]{1,100}$/.test(moveId)) throw new TenantryError('BAD_INPUT', `header ${HEADERS.moveId} is not a move id`);
      const lengthHeader = header(request.headers['content-length']);
      const size = lengthHeader !== undefined && /^\d{1,15}$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
      // Refuse before the transfer when the answer is known already.
      if (d.hasTenant(id)) throw new TenantryError('TENANT_EXISTS', `tenant "${id}" already exists in deployment "${d.name}"`, { tenantId: id });
      const actorHeader = header(request.headers[HEADERS.actor]);
      const given =
        actorHeader !== undefined && ActorSchema.safeParse(actorHeader).success ? `${actorHeader} via token "${p.token.name}"` : `token "${p.token.name}"`;
      const got = await receiveToTempFile(d, request.body as Readable, size !== undefined ? { expectedSize: size } : {});
      temp = got.temp;
      const summary = await ctx.lane.run(() =>
        d.adoptTenantFile(got.temp, {
          sha256: got.sha256,
          size: got.size,
          expectedSha256: sha256.toLowerCase(),
          tenantId: id,
          ...(moveId !== undefined ? { moveId } : {}),
          actor: given.slice(0, 200),
        }),
      );
      return reply.code(201).send({ ok: true, value: summary });
    } catch (e) {
      if (temp !== undefined) fs.rmSync(temp, { force: true });
      // The rest of a refused upload is not read; close the connection rather than drain it.
      reply.header('connection', 'close');
      return ctx.sendError(reply, e);
    }
  });
}
