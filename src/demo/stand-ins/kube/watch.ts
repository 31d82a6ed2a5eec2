/**
 * Watches, as the API server serves them: `GET <collection>?watch=true` answers 200 at once and
 * then streams one JSON watch event a line (`{"type":"ADDED"|"MODIFIED"|"DELETED"|"BOOKMARK"|"ERROR",
 * "object":…}`). From `resourceVersion` it replays the history after it (without one, or with
 * "0", it first sends every current object as ADDED); one older than the history kept is answered
 * with an ERROR event carrying a 410 Expired Status, and the stream ends. A label selector turns
 * an object that starts or stops matching into ADDED / DELETED. `allowWatchBookmarks=true` gets a
 * BOOKMARK now and then; `timeoutSeconds` ends the stream. Tests can send bookmarks at once and cut
 * every open watch, cleanly (the client re-watches) or by dropping the connection.
 */
import type { ServerResponse } from 'node:http';
import type { Clock } from '../../../clock.ts';
import { ApiError, statusObject } from './errors.ts';
import type { ChangeEvent } from './history.ts';
import { apiVersionOf, type KubeObject } from './resource-types.ts';
import type { RecordedRequest } from './requests.ts';
import { parseRoute, type Route } from './routes.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import type { ObjectStore } from './store.ts';

type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

interface OpenWatch {
  response: ServerResponse;
  bookmarks: boolean;
  route: Route;
}

export const isWatchRequest = (r: RecordedRequest) =>
  r.method === 'GET' && (r.query.watch === 'true' || r.query.watch === '1');

export class WatchServer {
  private readonly open = new Set<OpenWatch>();

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: Clock,
    private readonly bookmarkIntervalMs: number,
  ) {}

  /** How many watches are open now. */
  get openCount(): number {
    return this.open.size;
  }

  /**
   * Answers a watch request on `response`. Refusals found before the stream starts (an unknown
   * path, a bad selector or resourceVersion) are thrown as errors for the caller to answer.
   */
  serve(r: RecordedRequest, response: ServerResponse): void {
    const route = parseRoute(r.path);
    if (!route || route.subresource !== undefined || (route.name !== undefined && route.namespace === undefined))
      throw new ApiError(404, 'the server could not find the requested resource');
    const labels = parseLabelSelector(r.query.labelSelector);
    const fields = parseFieldSelector(r.query.fieldSelector);
    const inScope = (o: KubeObject) =>
      (route.namespace === undefined || o.metadata.namespace === route.namespace) &&
      (route.name === undefined || o.metadata.name === route.name) &&
      fields(o);
    const from = r.query.resourceVersion ?? '';
    if (from !== '' && !/^\d+$/.test(from))
      throw new ApiError(400, `resourceVersion: Invalid value: "${from}": must be a non-negative integer`);
    const replay = from === '' || from === '0' ? [] : this.store.history.since(Number(from));

    r.status = 200;
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private' });
    response.flushHeaders();
    const send = (type: WatchEventType, object: unknown) => {
      if (!response.writableEnded && !response.destroyed) response.write(`${JSON.stringify({ type, object })}\n`);
    };
    if (replay === undefined) {
      const oldest = this.store.history.oldestWatchable;
      send('ERROR', statusObject(410, `too old resource version: ${from} (${oldest})`, 'Expired'));
      response.end();
      return;
    }
    const out = (o: KubeObject): KubeObject => ({
      ...o,
      apiVersion: apiVersionOf(route.type, route.version),
      kind: route.type.kind,
    });
    const forward = (e: ChangeEvent) => {
      if (e.resource !== route.type || !inScope(e.object)) return;
      const now = labels(e.object.metadata.labels ?? {});
      const before = e.previous ? labels(e.previous.metadata.labels ?? {}) : now;
      if (e.type !== 'MODIFIED') {
        if (now) send(e.type, out(e.object));
      } else if (now && before) send('MODIFIED', out(e.object));
      else if (now) send('ADDED', out(e.object));
      else if (before) send('DELETED', out(e.object));
    };
    if (from === '' || from === '0') {
      for (const o of this.store.list(route.type, route.namespace).filter(inScope)) {
        if (labels(o.metadata.labels ?? {})) send('ADDED', out(o));
      }
    }
    replay.forEach(forward);

    const watch: OpenWatch = { response, bookmarks: r.query.allowWatchBookmarks === 'true', route };
    this.open.add(watch);
    const unsubscribe = this.store.history.subscribe(forward);
    const closed = new AbortController();
    response.on('close', () => {
      unsubscribe();
      closed.abort();
      this.open.delete(watch);
    });
    if (watch.bookmarks) void this.bookmarkEvery(watch, closed.signal);
    const timeoutSeconds = Number(r.query.timeoutSeconds ?? '0');
    if (timeoutSeconds > 0)
      this.clock.sleep(timeoutSeconds * 1000, closed.signal).then(
        () => response.end(),
        () => undefined,
      );
  }

  /** Sends a BOOKMARK at the current resourceVersion on every open watch that allows them; how many got one. */
  sendBookmarks(): number {
    let sent = 0;
    for (const watch of this.open) if (watch.bookmarks && this.bookmark(watch)) sent++;
    return sent;
  }

  /**
   * Ends every open watch: `drop` destroys the connection (the client sees an error) instead of
   * ending the stream as the API server does when it closes a watch; how many were cut.
   */
  cut(mode: 'end' | 'drop' = 'end'): number {
    const watches = [...this.open];
    for (const watch of watches) {
      this.open.delete(watch);
      if (mode === 'drop') watch.response.destroy();
      else watch.response.end();
    }
    return watches.length;
  }

  private async bookmarkEvery(watch: OpenWatch, closed: AbortSignal): Promise<void> {
    try {
      for (;;) {
        await this.clock.sleep(this.bookmarkIntervalMs, closed);
        this.bookmark(watch);
      }
    } catch {
      // The watch closed.
    }
  }

  private bookmark(watch: OpenWatch): boolean {
    const { response, route } = watch;
    if (response.writableEnded || response.destroyed) return false;
    const object = {
      kind: route.type.kind,
      apiVersion: apiVersionOf(route.type, route.version),
      metadata: { resourceVersion: this.store.currentRevision },
    };
    response.write(`${JSON.stringify({ type: 'BOOKMARK', object })}\n`);
    return true;
  }
}
