/**
 * readBody over a real connection: the limit, the deadline, and `admit` pausing the body — time
 * spent there is not held against the sender, and a body whose last chunk is still waiting when
 * the stream ends (and closes) is still complete.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readBody, type BodyRead, type ReadBodyOptions } from '../../src/adapters/http/body.ts';
import { slowRequest } from '../support/slow-client.ts';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A server that reads each body with `options(req)` and answers with what readBody said. */
async function serve(options: (req: IncomingMessage) => ReadBodyOptions): Promise<{ port: number; reads: BodyRead[] }> {
  const reads: BodyRead[] = [];
  server = createServer((req, res) => {
    void readBody(req, options(req)).then((read) => {
      reads.push(read);
      res
        .writeHead(200, { connection: 'close' })
        .end(read.kind === 'complete' ? `complete ${read.body.toString()}` : read.kind);
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, reads };
}

function post(port: number, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('readBody', () => {
  it('a body whose last chunk waits in admit while the stream ends and closes is still complete', async () => {
    const body = 'x'.repeat(100_000);
    const { port } = await serve((req) => ({
      limit: 200_000,
      timeoutMs: 10_000,
      // Every chunk waits a moment, or until the stream has closed. While the first waits, the
      // rest of the body and its end arrive; once resumed, the stream hands over the last chunk
      // and ends and closes at once, though that chunk is still waiting here.
      admit: () =>
        new Promise<boolean>((resolve) => {
          const go = () => setImmediate(() => resolve(true));
          req.once('close', go);
          setTimeout(go, 100);
        }),
    }));
    expect(await post(port, body)).toBe(`complete ${body}`);
  });

  it('admit saying no ends the read as aborted', async () => {
    const { port } = await serve(() => ({ limit: 1024, timeoutMs: 10_000, admit: () => Promise.resolve(false) }));
    expect(await post(port, 'refused')).toBe('aborted');
  });

  it('time spent waiting in admit does not count against the deadline', async () => {
    const { port } = await serve(() => ({
      limit: 1024,
      timeoutMs: 100,
      admit: () => new Promise<boolean>((r) => setTimeout(() => r(true), 400)),
    }));
    expect(await post(port, 'waited')).toBe('complete waited');
  });

  it('past the limit: too-large, without keeping the chunks', async () => {
    const { port, reads } = await serve(() => ({ limit: 8, timeoutMs: 10_000 }));
    expect(await post(port, 'nine bytes')).toBe('too-large');
    expect(reads).toEqual([{ kind: 'too-large' }]);
  });

  it('a body still arriving at the deadline: timeout, with how much had come', async () => {
    const { port, reads } = await serve(() => ({ limit: 1024, timeoutMs: 300 }));
    const slow = slowRequest(port, {
      path: '/',
      headers: { 'content-length': '100' },
      first: 'abc',
      trickle: { piece: 'd', everyMs: 1_000 },
    });
    await slow.ended;
    expect(slow.status).toBe(200);
    expect(reads).toEqual([{ kind: 'timeout', received: 3 }]);
  });
});
