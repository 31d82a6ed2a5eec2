/**
 * A stand-in for Slack's Web API on 127.0.0.1: answers `POST /api/<method>` the way Slack does
 * (form or JSON body in, `{ ok, … }` out) and records every call so tests can assert exactly what
 * reached Slack. Handlers per method may be replaced to script errors and rate limits.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
}

export type SlackHandler = (
  args: Record<string, unknown>,
  call: SlackCall,
) => { status?: number; headers?: Record<string, string>; body: Record<string, unknown> };

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseArgs(type: string | undefined, raw: string): Record<string, unknown> {
  if (!raw) return {};
  if (type?.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    // The Web API client form-encodes objects as JSON strings.
    out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
  }
  return out;
}

export class SlackApiStandIn {
  readonly calls: SlackCall[] = [];
  private handlers = new Map<string, SlackHandler>();
  private server: Server | undefined;
  port = 0;

  constructor() {
    this.handle('auth.test', () => ({
      body: { ok: true, url: 'https://rewind-test.slack.com/', team: 'Rewind Test', user: 'rewind', team_id: 'T0TEST', user_id: 'U0REWIND', bot_id: 'B0REWIND' },
    }));
  }

  /** Replaces the answer for one Web API method; unhandled methods answer `{ ok: true }`. */
  handle(method: string, handler: SlackHandler): this {
    this.handlers.set(method, handler);
    return this;
  }

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Base URL with the trailing slash the Web API client requires. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
      const args = parseArgs(req.headers['content-type'], await readBody(req));
      const token = req.headers.authorization?.replace(/^Bearer /, '') ?? (args.token as string | undefined);
      const call: SlackCall = { method, args, token };
      this.calls.push(call);
      const handler: SlackHandler = this.handlers.get(method) ?? (() => ({ body: { ok: true } }));
      const answer = handler(args, call);
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
