/**
 * A stand-in for Slack's Web API on 127.0.0.1: answers `POST /api/<method>` the way Slack does
 * (form or JSON body in, `{ ok, … }` out) and records every call so tests can assert exactly what
 * reached Slack. Handlers per method may be replaced to script errors and rate limits.
 *
 * It refuses what Slack refuses (slack-limits-check.ts): a message or view over a Block Kit limit,
 * a repeated block_id or action_id, a text over 40,000 characters — on the Web API and on
 * response_urls alike. A refusal lands in `refused`, not in `calls`, and a test that did not expect
 * one fails (assertNoUnexpectedRefusals, called by the test worlds when they stop).
 *
 * This file is the server and what a test asks of it; slack-api-types.ts holds what it records,
 * slack-api-bodies.ts how it reads a request, slack-api-answers.ts the answers of answerLikeSlack().
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { slackLikeAnswers } from './slack-api-answers.ts';
import { fileContent, parseArgs, readBody } from './slack-api-bodies.ts';
import type {
  FaultedCall,
  SlackCall,
  SlackFault,
  SlackHandler,
  SlackRefusal,
  SlackResponsePost,
} from './slack-api-types.ts';
import { checkCall, checkMessage, refusalBody } from './slack-limits-check.ts';
import { WORKSPACE_IDENTITY, workspaceAnswers, type SlackWorkspace } from './slack-api-workspace.ts';

// Tests and the demo import the stand-in's types from here, beside the class.
export type {
  FaultedCall,
  SlackCall,
  SlackFault,
  SlackHandler,
  SlackRefusal,
  SlackResponsePost,
} from './slack-api-types.ts';
export type { SlackWorkspace, WorkspaceChannel, WorkspaceUser } from './slack-api-workspace.ts';

export class SlackApiStandIn {
  readonly calls: SlackCall[] = [];
  /** Every POST to a `response_url` from `responseUrl()`, in arrival order. */
  readonly responses: SlackResponsePost[] = [];
  /** Uploaded file contents by file id (files.uploadV2: getUploadURLExternal → upload → completeUploadExternal). */
  readonly uploads = new Map<string, string>();
  private handlers = new Map<string, SlackHandler>();
  private server: Server | undefined;
  private arrivals: Array<() => void> = [];
  private responseCount = 0;
  /** Scripted failures per method, in the order they apply (failNext). */
  private readonly faults = new Map<string, SlackFault[]>();
  /** Every call answered with a scripted fault, and every `hang: 'applied'` call. */
  readonly faulted: FaultedCall[] = [];
  private readonly held = new Set<ServerResponse>();
  /** Every call and response_url post refused as Slack would refuse it, in arrival order. */
  readonly refused: SlackRefusal[] = [];
  /** Refusals a test has said it provokes on purpose (expectRefusals). */
  private readonly expected: Array<(r: SlackRefusal) => boolean> = [];
  private tsCount = 0;
  port = 0;

  constructor() {
    this.handle('auth.test', () => ({ body: { ok: true, ...WORKSPACE_IDENTITY } }));
  }

  /** Replaces the answer for one Web API method; unhandled methods answer `{ ok: true }`. */
  handle(method: string, handler: SlackHandler): this {
    this.handlers.set(method, handler);
    return this;
  }

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /**
   * A `response_url` on this server. Bolt's `respond()` POSTs JSON to it; the post lands in
   * `responses`. Pass it as `response_url` in the payload builders of `slack-signing.ts`.
   */
  responseUrl(id = `r${++this.responseCount}`): string {
    return `http://127.0.0.1:${this.port}/response/${encodeURIComponent(id)}`;
  }

  responsesTo(url: string): SlackResponsePost[] {
    return this.responses.filter((r) => r.url === url);
  }

  /**
   * Resolves with the `count`-th call to `method` once it has arrived — for listeners that call
   * Slack after they acked (processBeforeResponse false, Socket Mode). Rejects after `timeoutMs`
   * naming the methods that did arrive.
   */
  waitForCall(
    method: string,
    { count = 1, timeoutMs = 30_000 }: { count?: number; timeoutMs?: number } = {},
  ): Promise<SlackCall> {
    return this.waitFor(
      () => this.callsTo(method)[count - 1],
      timeoutMs,
      () => {
        const arrived = this.calls.map((c) => c.method).join(', ') || 'none';
        return (
          `Slack stand-in: call #${count} to ${method} did not arrive within ${timeoutMs} ms ` +
          `(calls so far: ${arrived}${this.refusedSummary()})`
        );
      },
    );
  }

  /** Resolves with the `count`-th post to any `response_url` once it has arrived. */
  waitForResponse({
    count = 1,
    timeoutMs = 30_000,
  }: { count?: number; timeoutMs?: number } = {}): Promise<SlackResponsePost> {
    return this.waitFor(
      () => this.responses[count - 1],
      timeoutMs,
      () =>
        `Slack stand-in: response_url post #${count} did not arrive within ${timeoutMs} ms ` +
        `(${this.responses.length} arrived${this.refusedSummary()})`,
    );
  }

  /**
   * Answers the messaging and view methods with the fields Slack returns (a fresh message `ts`,
   * the channel, a view id), so code that stores `ts` for later updates works against the stand-in.
   * Opt-in: without it every unhandled method answers a bare `{ ok: true }`.
   */
  answerLikeSlack(): this {
    const answers = slackLikeAnswers({
      next: () => ++this.tsCount,
      uploadUrl: (fileId) => `http://127.0.0.1:${this.port}/upload/${fileId}`,
    });
    for (const [method, handler] of answers) this.handle(method, handler);
    return this;
  }

  /**
   * Answers auth.test (with `x-oauth-scopes`), conversations.info and .open, usergroups.users.list
   * and users.info from `workspace`, as Slack would (slack-api-workspace.ts); it is read on every
   * call, so a test may change it later.
   */
  likeWorkspace(workspace: SlackWorkspace): this {
    for (const [method, handler] of workspaceAnswers(workspace)) this.handle(method, handler);
    return this;
  }

  /** Base URL with the trailing slash the Web API client requires. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** A base URL whose calls are recorded with `via.client` = `client` (one per bot process). */
  urlFor(client: string): string {
    return `http://127.0.0.1:${this.port}/by/${encodeURIComponent(client)}/api/`;
  }

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      if (req.url?.startsWith('/upload/')) {
        // The file bytes of files.uploadV2's second step, posted to the URL getUploadURLExternal gave.
        const fileId = decodeURIComponent(req.url.slice('/upload/'.length));
        this.uploads.set(fileId, fileContent(req.headers['content-type'], await readBody(req)));
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`OK - ${fileId}`);
        return;
      }
      if (req.url?.startsWith('/response/')) {
        const raw = await readBody(req);
        const id = decodeURIComponent(req.url.slice('/response/'.length));
        const post: SlackResponsePost = {
          id,
          url: `http://127.0.0.1:${this.port}${req.url}`,
          body: parseArgs(req.headers['content-type'], raw),
        };
        const verdict = checkMessage(post.body);
        if (verdict) {
          // response_urls answer like incoming webhooks: an HTTP error whose body is the bare code.
          this.refused.push({ method: 'response_url', args: post.body, token: undefined, url: post.url, ...verdict });
          this.notifyArrival();
          res.writeHead(400, { 'content-type': 'text/plain' });
          res.end(verdict.error);
          return;
        }
        this.responses.push(post);
        this.notifyArrival();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true }));
        return;
      }
      const path = /^(?:\/by\/([^/]+))?\/api\/([^?]*)/.exec(req.url ?? '');
      const method = path?.[2] ?? '';
      const at = Date.now();
      const args = parseArgs(req.headers['content-type'], await readBody(req));
      const token = req.headers.authorization?.replace(/^Bearer /, '') ?? (args.token as string | undefined);
      const call: SlackCall = { method, args, token };
      if (path?.[1]) call.via = { client: decodeURIComponent(path[1]), at };
      const fault = this.takeFault(method);
      if (fault) return this.answerFault(fault, call, res);
      const verdict = checkCall(method, args);
      if (verdict) {
        this.refused.push({ ...call, ...verdict });
        this.notifyArrival();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(refusalBody(verdict)));
        return;
      }
      this.calls.push(call);
      const handler: SlackHandler = this.handlers.get(method) ?? (() => ({ body: { ok: true } }));
      const answer = handler(args, call);
      this.notifyArrival();
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  private refusedSummary(): string {
    return this.refused.length === 0
      ? ''
      : `; refused: ${this.refused.map((r) => `${r.method} ${r.error}`).join(', ')}`;
  }

  private notifyArrival(): void {
    for (const wake of this.arrivals.splice(0)) wake();
  }

  private waitFor<T>(found: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(describe())), timeoutMs);
      const check = () => {
        const hit = found();
        if (hit !== undefined) {
          clearTimeout(timer);
          resolve(hit);
        } else {
          this.arrivals.push(check);
        }
      };
      check();
    });
  }

  /**
   * Declares refusals this test provokes on purpose (every refusal when `match` is omitted), so
   * assertNoUnexpectedRefusals lets them pass.
   */
  expectRefusals(match: (r: SlackRefusal) => boolean = () => true): this {
    this.expected.push(match);
    return this;
  }

  /** Refusals no expectRefusals matched: each a message or view the bot built and Slack would not take. */
  unexpectedRefusals(): SlackRefusal[] {
    return this.refused.filter((r) => !this.expected.some((m) => m(r)));
  }

  /** Throws naming every unexpected refusal, each with Slack's error and where in the payload. */
  assertNoUnexpectedRefusals(): void {
    const unexpected = this.unexpectedRefusals();
    if (unexpected.length === 0) return;
    const lines = unexpected.map((r) => {
      const more = r.errors.length > 5 ? `; …and ${r.errors.length - 5} more` : '';
      const where = r.errors.length ? ` — ${r.errors.slice(0, 5).join('; ')}${more}` : '';
      return `  ${r.method}${r.url ? ` ${r.url}` : ''}: ${r.error}${where}`;
    });
    throw new Error(
      `Slack would have refused ${unexpected.length} message(s) or view(s) the bot sent ` +
        `(call slack.expectRefusals() in a test that means to):\n${lines.join('\n')}`,
    );
  }

  /**
   * Scripts the next `times` calls to `method` to fail (see SlackFault); later scripts queue behind
   * earlier ones.
   */
  failNext(method: string, fault: SlackFault): this {
    const list = this.faults.get(method) ?? [];
    list.push({ ...fault, times: fault.times ?? 1 });
    this.faults.set(method, list);
    return this;
  }

  /** Drops the scripted failures of `method` (of every method when none is named). */
  clearFaults(method?: string): this {
    if (method === undefined) this.faults.clear();
    else this.faults.delete(method);
    return this;
  }

  /** Calls answered with a fault (not carried out), and `hang: 'applied'` calls, in arrival order. */
  faultedTo(method: string): FaultedCall[] {
    return this.faulted.filter((c) => c.method === method);
  }

  /** Requests held open by `hang` right now. */
  get hanging(): number {
    return this.held.size;
  }

  private takeFault(method: string): SlackFault | undefined {
    const list = this.faults.get(method);
    const fault = list?.[0];
    if (!list || !fault) return undefined;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) list.shift();
    return fault;
  }

  private answerFault(fault: SlackFault, call: SlackCall, res: ServerResponse): void {
    if (fault.hang) {
      const faulted: FaultedCall = Object.assign(call, {
        fault: fault.hang === 'applied' ? ('hang-applied' as const) : ('hang' as const),
      });
      const verdict = fault.hang === 'applied' ? checkCall(call.method, call.args) : null;
      if (verdict) {
        // Slack refused it; the answer saying so is what never comes.
        this.refused.push({ ...call, ...verdict });
      } else if (fault.hang === 'applied') {
        // Carried out like any call (a real ts is handed out), so later updates of it work.
        (this.handlers.get(call.method) ?? (() => ({ body: { ok: true } })))(call.args, call);
        this.calls.push(faulted);
      }
      this.faulted.push(faulted);
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      this.notifyArrival();
      return;
    }
    const limited = fault.retryAfter !== undefined;
    this.faulted.push(
      Object.assign(call, {
        fault: limited
          ? ('ratelimited' as const)
          : fault.status !== undefined
            ? ('status' as const)
            : ('error' as const),
      }),
    );
    this.notifyArrival();
    const status = limited ? 429 : (fault.status ?? 200);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      ...(limited ? { 'retry-after': String(fault.retryAfter) } : {}),
    };
    res.writeHead(status, headers);
    res.end(JSON.stringify({ ok: false, error: fault.error ?? (limited ? 'ratelimited' : 'internal_error') }));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
