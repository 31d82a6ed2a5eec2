/**
 * A local HTTP server that records every request it gets and answers 200: where Alertmanager's
 * webhook goes when the test is about the harness rather than Rewind.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { waitFor } from './wait.ts';

/** Alertmanager's webhook payload, version "4". */
export interface AlertmanagerWebhook {
  version: string;
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: Array<{
    status: 'firing' | 'resolved';
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    generatorURL: string;
    fingerprint: string;
  }>;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The body as text. */
  text: string;
  /** The body parsed as JSON; undefined when it is not JSON. */
  json: unknown;
  receivedAt: number;
}

export interface WebhookSink {
  /** `http://127.0.0.1:PORT/webhook` */
  readonly url: string;
  /** Everything received so far, oldest first. */
  readonly received: readonly ReceivedRequest[];
  /** The first request (received before or after the call) that `match` accepts. */
  waitFor(what: string, match: (r: ReceivedRequest) => boolean, timeoutMs?: number): Promise<ReceivedRequest>;
  close(): Promise<void>;
}

export async function startWebhookSink(): Promise<WebhookSink> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        text,
        json,
        receivedAt: Date.now(),
      });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('the webhook sink did not get a port');

  return {
    url: `http://127.0.0.1:${address.port}/webhook`,
    received,
    waitFor: (what, match, timeoutMs = 30_000) =>
      waitFor(
        what,
        () => {
          const hit = received.find(match);
          if (hit) return hit;
          throw new Error(
            `${received.length} request(s) received so ` +
              `far${received.length ? `, the last: ${received.at(-1)?.text.slice(0, 500)}` : ''}`,
          );
        },
        { timeoutMs, intervalMs: 100 },
      ),
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
