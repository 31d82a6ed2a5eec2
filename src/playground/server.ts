/**
 * `rewind playground`: the page on 127.0.0.1, and behind it one session (session.ts) — the real
 * bot in its own process on the Slack and Kubernetes stand-ins. The page reads the workspace, the
 * cluster and the clock from one server-sent event stream (a snapshot whenever something changed,
 * and at least once a second for the clock), and sends the visitor's gestures (relay.ts) and the
 * scenario controls as small JSON posts. Everything it loads comes from this server.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { clusterPanels } from './cluster.ts';
import { Feed } from './feed.ts';
import { channelNames, GROUPS, PEOPLE } from './people.ts';
import { relay, GestureError, type Gesture } from './relay.ts';
import { LIMITS, type Misbehaviour } from './scenario.ts';
import { Session } from './session.ts';
import { isSpeed, SPEEDS } from './timeline.ts';

/**
 * The page's files: assets/playground/ at the top of the checkout, the same two folders up from
 * src/playground/ and from the build's dist/playground/ (tsc copies no file that is not TypeScript).
 */
const PAGE = '../../assets/playground/';

const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
  '/blocks.css': { file: 'blocks.css', type: 'text/css; charset=utf-8' },
  '/blocks.js': { file: 'blocks.js', type: 'text/javascript; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/cluster.js': { file: 'cluster.js', type: 'text/javascript; charset=utf-8' },
  '/dialogs.js': { file: 'dialogs.js', type: 'text/javascript; charset=utf-8' },
  '/announcer.js': { file: 'announcer.js', type: 'text/javascript; charset=utf-8' },
  // Declared in index.html; /favicon.ico too, for a browser that asks for it anyway (a 404 is a console error).
  '/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
  '/favicon.ico': { file: 'favicon.svg', type: 'image/svg+xml' },
};

/** The first page file that is not there (an install without assets/, such as the image), else null. */
export function pageMissing(): string | null {
  for (const { file } of Object.values(ASSETS)) {
    const path = fileURLToPath(new URL(PAGE + file, import.meta.url));
    if (!existsSync(path)) return path;
  }
  return null;
}
const TICK_MS = 150;
const MAX_BODY = 64 * 1024;

export interface PlaygroundOptions {
  port?: number;
  configFile?: string;
  /** The speed the clock starts at (×60 unless told). */
  speed?: number;
}

export interface Playground {
  url: string;
  port: number;
  /** The running session (a reset replaces it). */
  readonly session: Session;
  stop(): Promise<void>;
}

export async function startPlayground(o: PlaygroundOptions = {}): Promise<Playground> {
  const configFile = o.configFile ?? 'config/rewind.yml';
  const clients = new Set<Client>();
  let session: Session;
  let feed: Feed;
  /** Which world the page looks at: a reset starts the next one, whose feed counts from 0 again. */
  let world = 0;
  let busy: Promise<unknown> = Promise.resolve();
  const open = async () => {
    session = await Session.open(configFile, () => void 0, o.speed ?? 60);
    feed = new Feed(session.slack, session.answers, () => session.now);
    world++;
  };
  await open();

  /** Everything but the ephemerals, which each page gets from its own cut on (`forClient`). */
  const snapshot = () => {
    const { ephemerals: _, ...shared } = feed.state();
    return JSON.stringify({
      now: session.now,
      speed: session.speed,
      speeds: SPEEDS,
      zone: session.config.drills.timezone,
      bot: { state: session.bot.state, pid: session.bot.pid ?? null, starts: session.bot.starts },
      people: PEOPLE,
      groups: GROUPS,
      channelNames: channelNames(session.config),
      incidentChannel: session.config.slack.incidentChannel,
      feed: shared,
      cluster: clusterPanels(session.config, session.kube, session.scenario, session.now),
    });
  };
  /**
   * A page's snapshot: the shared one and the ephemerals that arrived after the page was loaded. In
   * Slack an ephemeral lives in the client that saw it arrive and is gone after a reload; a page
   * loaded in an earlier world (before a reset) has seen nothing of this one.
   */
  const forClient = (shared: string, c: Client) => {
    const since = c.world === world ? c.since : 0;
    const ephemerals = feed.state().ephemerals.filter((e) => e.seq > since);
    const own = `"ephemerals":${JSON.stringify(ephemerals)},"cut":${JSON.stringify({ world, since })}`;
    return `${shared.slice(0, -1)},${own}}`;
  };
  const push = (force = false) => {
    feed.refresh();
    if (clients.size === 0) return;
    const shared = snapshot();
    for (const c of clients) {
      const text = forClient(shared, c);
      if (text === c.lastSent && !force) continue;
      c.lastSent = text;
      c.res.write(`data: ${text}\n\n`);
    }
  };
  let ticks = 0;
  const ticker = setInterval(() => {
    ticks++;
    // The clock moves every tick; a snapshot each second keeps the page's clock and charts moving.
    if (feed.refresh() || ticks % Math.round(1000 / TICK_MS) === 0) push(true);
  }, TICK_MS);

  /** One scenario change at a time: a kill during a restart, or a reset during a kill, waits its turn. */
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = busy.then(work, work);
    busy = next.catch(() => undefined);
    return next;
  };

  const scenario = async (body: Record<string, unknown>): Promise<void> => {
    switch (body.kind) {
      case 'speed': {
        const scale = Number(body.scale);
        if (!isSpeed(scale))
          throw new GestureError(`speed must be one of ${SPEEDS.join(', ')}, not ${String(body.scale)}`);
        return session.setSpeed(scale);
      }
      case 'behaviour': {
        const service = String(body.service);
        const version = String(body.version);
        if (!session.scenario.has(service, version)) throw new GestureError(`no version ${version} of ${service}`);
        return session.setBehaviour(service, version, misbehaviour(body));
      }
      case 'kill':
        return serial(() => session.bot.kill9());
      case 'restart':
        return serial(async () => {
          if (session.bot.state === 'running' || session.bot.state === 'starting')
            throw new GestureError('the bot is already running: kill it first');
          await session.startBot();
        });
      case 'reset':
        return serial(async () => {
          await session.close();
          await open();
        });
      default:
        throw new GestureError(`unknown scenario change ${String(body.kind)}`);
    }
  };

  const server: Server = createServer((req, res) => void route(req, res));
  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    try {
      const asset = ASSETS[path];
      if (req.method === 'GET' && asset) {
        const text = readFileSync(new URL(`${PAGE}${asset.file}`, import.meta.url), 'utf8');
        res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store' });
        return void res.end(text);
      }
      if (req.method === 'GET' && path === '/events') {
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        feed.refresh();
        const client: Client = { res, ...cutOf(req.url ?? '', world, feed.latest), lastSent: '' };
        client.lastSent = forClient(snapshot(), client);
        res.write(`data: ${client.lastSent}\n\n`);
        clients.add(client);
        req.on('close', () => clients.delete(client));
        return;
      }
      if (req.method === 'POST' && (path === '/api/gesture' || path === '/api/scenario')) {
        const body = await jsonBody(req);
        const answer = path === '/api/gesture' ? await relay(session, feed, body as unknown as Gesture) : undefined;
        if (path === '/api/scenario') await scenario(body);
        push(true);
        // The bot did not take the delivery (Slack would say the app did not respond): the page says so.
        if (answer && answer.status >= 300) {
          res.writeHead(502, { 'content-type': 'application/json' });
          return void res.end(JSON.stringify({ ok: false, error: `the bot answered HTTP ${answer.status}` }));
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end('{"ok":true}');
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    } catch (err) {
      const known = err instanceof GestureError;
      res.writeHead(known ? 400 : 500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: (err as Error).message.split('\n')[0] }));
    }
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    get session() {
      return session;
    },
    async stop() {
      clearInterval(ticker);
      for (const c of clients) c.res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await busy;
      await session.close();
    },
  };
}

/** A page connected to the event stream, and the last snapshot it was sent. */
interface Client {
  res: ServerResponse;
  world: number;
  since: number;
  lastSent: string;
}

/**
 * Where a page's ephemerals start: a page reconnecting says which world and cut it was given when it
 * loaded (`?world=…&since=…`); a page loading now starts from what the feed holds now.
 */
function cutOf(url: string, world: number, latest: number): { world: number; since: number } {
  const q = new URL(url, 'http://page.invalid').searchParams;
  const given = { world: Number(q.get('world')), since: Number(q.get('since')) };
  if (Number.isSafeInteger(given.world) && given.world > 0 && Number.isSafeInteger(given.since) && given.since >= 0)
    return given;
  return { world, since: latest };
}

function misbehaviour(body: Record<string, unknown>): Misbehaviour {
  const m = { errorRate: body.errorRate, p95LatencyMs: body.p95LatencyMs, hallucinationRate: body.hallucinationRate };
  for (const [name, [low, high]] of Object.entries(LIMITS)) {
    const v = m[name as keyof Misbehaviour];
    if (typeof v !== 'number' || !(v >= low && v <= high))
      throw new GestureError(`${name} must be a number from ${low} to ${high}, not ${String(v)}`);
  }
  return m as Misbehaviour;
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new GestureError(`a request body of more than ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // said below
  }
  throw new GestureError('the request body is not a JSON object');
}
