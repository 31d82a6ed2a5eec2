/**
 * A TCP front for the test PostgreSQL server's socket, so a test can take the database away from
 * the bot and give it back: `cut()` drops every open connection and refuses new ones (as a lost
 * network or a failed-over primary looks from the bot), `restore()` lets them through again.
 * Connections arrive over TCP on 127.0.0.1 and go on over the Unix socket as the test process
 * itself, so the server's peer authentication sees the same user as the tests' own connections.
 *
 * It runs in a worker thread: a bot running in the test process waits for PostgreSQL with its
 * main thread blocked (src/store/postgres/sync-connection.ts), so a proxy on that thread could
 * never answer it.
 */
import { Worker } from 'node:worker_threads';

const PROXY = String.raw`
const net = require('node:net');
const { parentPort, workerData } = require('node:worker_threads');
const open = new Set();
let refusing = false;
const server = net.createServer((client) => {
  if (refusing) return client.destroy();
  const upstream = net.connect(workerData.socketPath);
  for (const s of [client, upstream]) {
    open.add(s);
    s.on('close', () => open.delete(s));
    s.on('error', () => undefined);
  }
  client.pipe(upstream).pipe(client);
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => {
  if (m === 'cut') {
    refusing = true;
    for (const s of open) s.destroy();
  }
  if (m === 'restore') refusing = false;
  if (m === 'stop') {
    refusing = true;
    for (const s of open) s.destroy();
    server.close(() => process.exit(0));
    return;
  }
  parentPort.postMessage({ done: m });
});
`;

export class PostgresProxy {
  private constructor(
    private readonly worker: Worker,
    readonly port: number,
  ) {}

  static async start(socketPath = '/var/run/postgresql/.s.PGSQL.5432'): Promise<PostgresProxy> {
    const worker = new Worker(PROXY, { eval: true, workerData: { socketPath } });
    const port = await new Promise<number>((resolve, reject) => {
      worker.once('message', (m: { port: number }) => resolve(m.port));
      worker.once('error', reject);
    });
    return new PostgresProxy(worker, port);
  }

  /** `url` (a postgres:// URL reaching the socket) as one reaching the server through this proxy. */
  route(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    u.searchParams.delete('host');
    return u.toString();
  }

  cut(): Promise<void> {
    return this.tell('cut');
  }

  restore(): Promise<void> {
    return this.tell('restore');
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage('stop');
    await exited;
  }

  private tell(what: 'cut' | 'restore'): Promise<void> {
    return new Promise<void>((resolve) => {
      const onMessage = (m: { done?: string }) => {
        if (m.done !== what) return;
        this.worker.off('message', onMessage);
        resolve();
      };
      this.worker.on('message', onMessage);
      this.worker.postMessage(what);
    });
  }
}
