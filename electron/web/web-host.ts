// The browser host: the console services and the console contract over HTTP on 127.0.0.1, serving the built
// renderer. Used by the e2e tests in Chromium and by `npm start` where the Electron binary is missing.
// Every API call must carry the per-launch session token (handed to the page in the URL fragment, never
// sent to the server in a URL), come with this host's Host header (DNS rebinding) and a JSON body (no
// cross-site form posts); pages of other local origins cannot read the token nor pass the CORS preflight.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { JobEvent } from '../../shared/api/console.js';
import type { ErrorCode, Result } from '../../shared/api/errors.js';
import type { ConsoleServices } from '../backend/console-services.js';
import { contentSecurityPolicy } from './csp.js';
import { contentType, resolveInside } from './static-files.js';

export const SESSION_HEADER = 'x-tenantry-session';

export interface WebHostOptions {
  services: ConsoleServices;
  /** the built renderer (renderer/dist); when missing, only the API is served */
  rendererDir?: string;
  port?: number;
  /** fixed token for tests; a random one otherwise */
  token?: string;
}

export interface WebHost {
  url: string;
  /** the URL to open: the page reads the session token from the fragment */
  openUrl: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  TENANT_NOT_FOUND: 404,
  ARCHIVE_NOT_FOUND: 404,
  RECORD_NOT_FOUND: 404,
  STALE_VERSION: 409,
  OVERLOADED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export function statusOf(r: Result<unknown>): number {
  return r.ok ? 200 : (STATUS[r.error.code] ?? 409);
}

function sameToken(given: unknown, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const app = Fastify({ logger: false, bodyLimit: 256 * 1024 * 1024, forceCloseConnections: true });
  const csp = contentSecurityPolicy();
  let port = 0;
  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    if (!allowedHosts().includes(req.headers.host ?? '')) {
      return reply.code(421).send({ ok: false, error: { code: 'FORBIDDEN', message: 'this console answers on 127.0.0.1 only' } });
    }
  });

  const guard = (req: FastifyRequest, reply: FastifyReply): boolean => {
    if (!sameToken(req.headers[SESSION_HEADER], token)) {
      void reply.code(401).send({ ok: false, error: { code: 'UNAUTHORIZED', message: 'this console session needs its token; open the URL printed at start' } });
      return false;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedHosts().some((h) => origin === `http://${h}`)) {
      void reply.code(403).send({ ok: false, error: { code: 'FORBIDDEN', message: `requests from ${origin} are not allowed` } });
      return false;
    }
    return true;
  };

  app.post<{ Params: { op: string } }>('/api/:op', async (req, reply) => {
    if (!guard(req, reply)) return reply;
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return reply.code(415).send({ ok: false, error: { code: 'BAD_INPUT', message: 'send the input as application/json' } });
    }
    const result = await opts.services.handle(req.params.op, req.body);
    return reply.code(statusOf(result)).header('cache-control', 'no-store').send(result);
  });

  // Job progress as server-sent events, read by the page with fetch (so the token travels in a header).
  app.get('/api/events', (req, reply) => {
    if (!guard(req, reply)) return;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-content-type-options': 'nosniff' });
    res.write(': connected\n\n');
    const send = (e: JobEvent): void => {
      res.write(`event: job\ndata: ${JSON.stringify(e)}\n\n`);
    };
    const off = opts.services.onJobEvent(send);
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    const stop = (): void => {
      clearInterval(ping);
      off();
    };
    req.raw.on('close', stop);
    res.on('error', stop);
  });

  app.get('/*', async (req, reply) => {
    const root = opts.rendererDir;
    const urlPath = req.url;
    if (!root || !fs.existsSync(root)) {
      return reply.code(503).type('text/plain').send('The renderer is not built: run `npm run build:renderer`.');
    }
    // Client-side routes fall back to index.html; files with an extension must exist.
    const file = resolveInside(root, urlPath) ?? (/\.[a-z0-9]+$/i.test(urlPath.split('?')[0] ?? '') ? undefined : resolveInside(root, '/index.html'));
    if (!file) return reply.code(404).type('text/plain').send('Not found');
    const isHtml = file.endsWith('.html');
    reply.header('content-type', contentType(file));
    if (isHtml) reply.header('content-security-policy', csp).header('cache-control', 'no-store');
    else reply.header('cache-control', 'public, max-age=31536000, immutable');
    return reply.send(fs.createReadStream(file));
  });

  await app.listen({ host: '127.0.0.1', port: opts.port ?? 0 });
  port = (app.server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    openUrl: `${url}/#session=${token}`,
    token,
    port,
    close: async () => {
      await app.close();
    },
  };
}
