/**
 * A small Prometheus on 127.0.0.1 that answers `/api/v1/query` and `/api/v1/query_range` the way
 * the real one does (envelope, vector/matrix, string values, NaN/+Inf, the 11,000-point limit),
 * from series scripted per exact PromQL text. A query nobody scripted gets what Prometheus gives a
 * selector that matches nothing: success with an empty result. Faults can be queued: an HTTP
 * answer, a connection that never answers, or a connection dropped without an answer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Value at a time in epoch seconds: undefined = no sample, an array = several series. */
export type ScriptedSeries = (tSeconds: number) => number | number[] | undefined;

export type Fault = { status: number; body: string | object } | 'hang' | 'drop';

export interface ReceivedRequest {
  path: string;
  params: Record<string, string>;
}

export interface FakePrometheus {
  url: string;
  requests: ReceivedRequest[];
  /** Scripted series by exact PromQL. */
  series: Map<string, ScriptedSeries>;
  /** The next requests (any path) get these answers instead, in order. */
  faults: Fault[];
  /** PromQL texts received, in order. */
  queries(): string[];
  close(): Promise<void>;
}

export function promValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function send(res: ServerResponse, status: number, body: string | object): void {
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/html' : 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

const badData = (error: string) => ({ status: 'error', errorType: 'bad_data', error });

function seriesAt(f: ScriptedSeries | undefined, t: number): number[] {
  const v = f?.(t);
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

export async function startFakePrometheus(): Promise<FakePrometheus> {
  const requests: ReceivedRequest[] = [];
  const series = new Map<string, ScriptedSeries>();
  const faults: Fault[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://localhost');
    const params = Object.fromEntries(u.searchParams);
    requests.push({ path: u.pathname, params });
    const fault = faults.shift();
    if (fault === 'hang') return;
    if (fault === 'drop') return req.socket.destroy();
    if (fault) return send(res, fault.status, fault.body);

    const query = params.query;
    if (query === undefined) return send(res, 400, badData('invalid parameter "query": query must not be empty'));
    const f = series.get(query);
    if (u.pathname.endsWith('/api/v1/query')) {
      const t = Number(params.time);
      const result = seriesAt(f, t).map((v, i) => ({ metric: { instance: `pod-${i}` }, value: [t, promValue(v)] }));
      return send(res, 200, { status: 'success', data: { resultType: 'vector', result } });
    }
    if (u.pathname.endsWith('/api/v1/query_range')) {
      const [start, end, step] = [params.start, params.end, params.step].map((p) => Math.round(Number(p) * 1000));
      if (!(step! > 0))
        return send(
          res,
          400,
          badData('invalid parameter "step": zero or negative query resolution step widths are not accepted'),
        );
      if ((end! - start!) / step! > 11000) {
        return send(
          res,
          400,
          badData(
            'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution ' +
              '(?step=XX)',
          ),
        );
      }
      const perSeries: Array<Array<[number, string]>> = [];
      for (let t = start!; t <= end!; t += step!) {
        seriesAt(f, t / 1000).forEach((v, i) => (perSeries[i] ??= []).push([t / 1000, promValue(v)]));
      }
      const result = perSeries.map((values, i) => ({ metric: { instance: `pod-${i}` }, values }));
      return send(res, 200, { status: 'success', data: { resultType: 'matrix', result } });
    }
    send(res, 404, '404 page not found');
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    series,
    faults,
    queries: () => requests.map((r) => r.params.query ?? ''),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
