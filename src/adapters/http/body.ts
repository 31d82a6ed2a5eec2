/**
 * Reading a request body with a size limit and a deadline, for the alert webhooks and Slack's
 * requests alike. Both limits exist for senders that are not what they claim: a body past the limit
 * is not buffered, and a sender that trickles its body (a byte every few seconds) is cut off instead
 * of holding a socket, and whatever was set aside for its body, for as long as it likes.
 */
import type { IncomingMessage } from 'node:http';

export type BodyRead =
  | { kind: 'complete'; body: Buffer }
  | { kind: 'too-large' }
  /** The deadline passed first; `received` is how much of the body had arrived. */
  | { kind: 'timeout'; received: number }
  /** The client went away before its body ended (or `admit` gave up). */
  | { kind: 'aborted' };

export interface ReadBodyOptions {
  /** Bytes; past them reading stops and the chunks so far are dropped. */
  limit: number;
  /** The whole body must have arrived this long after reading starts. */
  timeoutMs: number;
  /**
   * Called with the size of each chunk before it is kept. `true`: go on. A promise: reading pauses
   * (the rest stays in the socket, so TCP slows the sender down) until it settles — `true` goes
   * on, `false` gives up as `aborted`. Time spent paused here is the server's doing, not the
   * sender's, so it does not count against the deadline.
   */
  admit?: (bytes: number) => true | Promise<boolean>;
}

/**
 * Resolves once with what became of the body. Stopping early (too large, too slow) pauses the
 * request and leaves the rest unread: the caller answers with `Connection: close`, and the socket
 * goes away with whatever the client still sends.
 */
export function readBody(req: IncomingMessage, o: ReadBodyOptions): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    let ended = false;
    let admitting = false;
    let remainingMs = o.timeoutMs;
    let clockStarted = performance.now();
    let timer: NodeJS.Timeout | undefined;

    const startClock = () => {
      clockStarted = performance.now();
      timer = setTimeout(
        () => {
          req.pause();
          finish({ kind: 'timeout', received: size });
        },
        Math.max(0, remainingMs),
      );
    };
    const stopClock = () => {
      clearTimeout(timer);
      remainingMs -= performance.now() - clockStarted;
    };
    const finish = (result: BodyRead) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onAbort);
      if (result.kind !== 'complete') chunks.length = 0;
      resolve(result);
    };
    const complete = () => finish({ kind: 'complete', body: Buffer.concat(chunks, size) });

    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > o.limit) {
        req.pause();
        finish({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
      const admitted = o.admit ? o.admit(chunk.length) : true;
      if (admitted === true) return;
      req.pause();
      stopClock();
      admitting = true;
      void admitted.then((ok) => {
        admitting = false;
        if (done) return;
        if (!ok) return finish({ kind: 'aborted' });
        // The chunk that waited may have been the last one.
        if (ended) return complete();
        startClock();
        req.resume();
      });
    };
    const onEnd = () => {
      ended = true;
      // The body is all here. 'end' can come while the last chunk still waits in `admit` (the
      // stream had nothing left to pause), and 'close' follows at once: that is not the client
      // leaving, so it no longer counts as an abort. A client that does leave meanwhile is for
      // `admit` to notice.
      req.off('close', onAbort);
      req.off('error', onAbort);
      if (!admitting) complete();
    };
    // 'close' before 'end' is a client that went away mid-body.
    const onAbort = () => finish({ kind: 'aborted' });

    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onAbort);
    startClock();
  });
}
