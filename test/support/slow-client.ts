/**
 * A sender that takes its time, over a raw socket: the head at once (or a byte at a time), then
 * some of the body, then a piece of it every so often — what a broken network, a stuck client or a
 * slowloris does. It records what the server answered, whether it closed the connection, and how
 * much body had been sent by then, so a test can tell an answer given without reading the body.
 */
import net from 'node:net';

export interface SlowRequestOptions {
  path: string;
  headers: Record<string, string>;
  /** Body sent right after the head (as one chunk with `transfer-encoding: chunked`). */
  first?: string | Buffer;
  /** Then `piece` every `everyMs`, until the server answers or closes. */
  trickle?: { piece: string; everyMs: number };
  /** Send the head itself one byte every this many ms (a slow-headers client). */
  headByteEveryMs?: number;
}

export interface SlowRequest {
  /** The answer's status once its status line has arrived. */
  readonly status: number | null;
  /** All the server sent, as text. */
  readonly received: string;
  /** The server closed (or reset) the connection. */
  readonly closed: boolean;
  /** Bytes of body written when the status line arrived (or so far). */
  readonly bodyBytesAtAnswer: number;
  /** Resolves once the server has closed the connection. */
  readonly ended: Promise<void>;
  /** The JSON body of the answer, once it is complete. */
  json(): unknown;
  stop(): void;
}

export function slowRequest(port: number, o: SlowRequestOptions): SlowRequest {
  const socket = net.connect(port, '127.0.0.1');
  const chunked = o.headers['transfer-encoding'] === 'chunked';
  const frame = (data: string | Buffer) => {
    const bytes = Buffer.from(data);
    return chunked
      ? Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')])
      : bytes;
  };
  let received = '';
  let status: number | null = null;
  let closed = false;
  let bodyBytes = 0;
  let bodyBytesAtAnswer: number | null = null;
  const timers: NodeJS.Timeout[] = [];
  const stopTimers = () => timers.forEach((t) => clearInterval(t));
  const ended = new Promise<void>((resolve) =>
    socket.on('close', () => {
      closed = true;
      stopTimers();
      resolve();
    }),
  );
  socket.on('error', () => undefined); // a reset after the answer is expected; `closed` says it
  socket.on('data', (d: Buffer) => {
    received += d.toString('latin1');
    const match = /^HTTP\/1\.1 (\d{3}) /.exec(received);
    if (match && status === null) {
      status = Number(match[1]);
      bodyBytesAtAnswer = bodyBytes;
      stopTimers();
    }
  });
  const send = (bytes: Buffer, isBody: boolean) => {
    if (closed || socket.destroyed) return;
    socket.write(bytes);
    if (isBody) bodyBytes += bytes.length;
  };
  const body = () => {
    if (o.first !== undefined) send(frame(o.first), true);
    if (o.trickle) {
      const { piece, everyMs } = o.trickle;
      timers.push(setInterval(() => status === null && send(frame(piece), true), everyMs));
    }
  };
  const head = Buffer.from(
    `POST ${o.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(o.headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}\r\n`,
  );
  if (o.headByteEveryMs) {
    let at = 0;
    const t = setInterval(() => {
      if (at >= head.length) {
        clearInterval(t);
        return body();
      }
      send(head.subarray(at, at + 1), false);
      at += 1;
    }, o.headByteEveryMs);
    timers.push(t);
  } else {
    send(head, false);
    body();
  }
  return {
    get status() {
      return status;
    },
    get received() {
      return received;
    },
    get closed() {
      return closed;
    },
    get bodyBytesAtAnswer() {
      return bodyBytesAtAnswer ?? bodyBytes;
    },
    ended,
    json() {
      return JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4));
    },
    stop() {
      stopTimers();
      socket.destroy();
    },
  };
}

/** Polls `done` every 10 ms; fails naming `what` after a generous ceiling (a stuck server, not a slow one). */
export async function waitFor(what: string, done: () => boolean, ceilingMs = 20_000): Promise<void> {
  const end = Date.now() + ceilingMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`waited ${ceilingMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
