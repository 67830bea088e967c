// The job event stream (SSE) read by RemoteClient.followJob, against a real HTTP server on 127.0.0.1 that writes
// the stream in chunks cut where a naive reader breaks: inside multi-byte UTF-8 characters and inside field names.
// (Decoding each chunk alone turned "Müller" into "M\uFFFD\uFFFDller".)
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ROUTES } from '../../shared/api/http.js';
import type { RemoteJob, RemoteJobEvent } from '../../shared/api/jobs.js';
import { RemoteClient } from './client.js';

const JOB = 'job-sse-1';
const MESSAGE = 'Kunde „Müller GmbH“ – Größe € 😀 テナント';

function event(seq: number, extra: Partial<RemoteJobEvent>): RemoteJobEvent {
  return { seq, jobId: JOB, at: '2026-12-04T00:00:00.000Z', type: 'tenant-finished', done: seq, total: 3, ...extra };
}

const finalJob: RemoteJob = {
  id: JOB,
  operation: 'tenant.install',
  state: 'failed',
  createdAt: '2026-12-04T00:00:00.000Z',
  startedAt: '2026-12-04T00:00:00.000Z',
  endedAt: '2026-12-04T00:00:01.000Z',
  progress: { total: 3, done: 3, current: null },
  cancelRequested: false,
  result: null,
  error: { code: 'CONFLICT', message: MESSAGE },
};

/** Cuts `bytes` at every given offset; the chunks are written one by one, each flushed before the next. */
function chunksAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    out.push(bytes.subarray(from, c));
    from = c;
  }
  out.push(bytes.subarray(from));
  return out.filter((b) => b.length > 0);
}

let server: http.Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function serve(chunks: Buffer[]): Promise<string> {
  server = http.createServer((req, res) => {
    if (req.url === ROUTES.jobEvents(JOB)) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const write = (i: number): void => {
        if (i >= chunks.length) return void res.end();
        // a pause between writes: each chunk leaves in its own TCP segment as the reader sees it
        res.write(chunks[i], () => setTimeout(() => write(i + 1), 2));
      };
      write(0);
      return;
    }
    if (req.url === ROUTES.job(JOB)) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, value: finalJob }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

describe('RemoteClient.followJob reads SSE with a streaming decoder', () => {
  it('keeps multi-byte characters whole and parses fields split across chunks', async () => {
    const events = [
      event(1, { tenantId: 'muller', ok: false, error: { code: 'CONFLICT', message: MESSAGE } }),
      event(2, { tenantId: 'zoe', ok: true }),
      event(3, { type: 'state', state: 'failed' }),
    ];
    const text = events.map((e) => `id: ${e.seq}\nevent: job\ndata: ${JSON.stringify(e)}\n\n`).join('');
    const bytes = Buffer.from(`: connected\n\n${text}`, 'utf8');
    // Cut inside every multi-byte character of the message (after its first byte) and inside field names.
    const cuts: number[] = [];
    for (const ch of ['ü', '„', '–', 'ö', '€', '😀', 'テ']) {
      const at = bytes.indexOf(Buffer.from(ch, 'utf8'));
      expect(at, ch).toBeGreaterThan(0);
      cuts.push(at + 1);
    }
    for (const field of ['data: ', 'event: ', 'id: ']) {
      let at = bytes.indexOf(field, 20);
      expect(at).toBeGreaterThan(0);
      cuts.push(at + 2);
      at = bytes.indexOf(field, at + 40);
      if (at > 0) cuts.push(at + 3);
    }
    const url = await serve(chunksAt(bytes, cuts));
    const client = new RemoteClient({ url, token: 'test-token', attempts: 1 });
    const seen: RemoteJobEvent[] = [];
    const job = await client.followJob(JOB, (e) => seen.push(e));
    expect(job.state).toBe('failed');
    expect(seen.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(seen[0]!.error?.message).toBe(MESSAGE);
    expect(seen[0]!.error?.message).not.toContain('\uFFFD');
    expect(seen[1]).toEqual(events[1]);
  });
});
