/**
 * The http injector: the prompt service injects the fault itself when told to, through a fault
 * endpoint (`drills.injector.url`). apply POSTs the whole scenario; remove POSTs the drill id.
 * `expiresInMs` asks the service to drop the fault on its own after maxDuration, so a fault
 * outlives Rewind by at most that long even if every remove is lost.
 *
 * A 5xx or no answer is tried again (a restarting pod, a dropped connection); anything else the
 * endpoint refused is final. remove treats 404 and 410 as "nothing of ours there": after a crash,
 * start-up cleanup removes drills whose fault may never have been applied or has already expired.
 *
 * The URL must not reach another service's Kubernetes Service (one it routes through or one named
 * after it, like production's `prompt-service-mesh`): config validation says so at load, and the
 * injector itself again before every check and every apply, so no caller can send a fault there.
 */
import { drillServiceSaid, httpFaultTargetSaid, type Said } from '../../config/drill-target.ts';
import type { Config, InjectorConfig } from '../../config/schema.ts';
import type { AppliedFault, FaultInjector, FaultSpec, RemoveResult, TargetCheck } from '../../services/drill-ports.ts';

export type HttpInjectorConfig = Extract<InjectorConfig, { kind: 'http' }>;

export interface HttpInjectorDeps {
  /** The configured services: whose Service the URL reaches, and whether the drill service may be faulted. */
  services: Config['services'];
  fetch?: typeof globalThis.fetch;
  /** Waits between attempts; tests pass one that does not really wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Per request (default 5 s). */
  timeoutMs?: number;
}

export const HTTP_INJECTOR_ATTEMPTS = 3;
/** Before the second attempt; doubled before the third. */
export const HTTP_INJECTOR_RETRY_DELAY_MS = 500;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The body apply sends. */
export function applyBody(spec: FaultSpec) {
  return {
    action: 'apply',
    drillId: spec.drillId,
    service: spec.service,
    version: spec.version,
    scenario: spec.scenario,
    trigger: spec.trigger,
    errorRate: spec.errorRate,
    latencyMs: spec.latencyMs,
    share: spec.share,
    expiresInMs: spec.maxDurationMs,
  };
}

export const removeBody = (spec: FaultSpec) => ({ action: 'remove', drillId: spec.drillId });

interface Answer {
  status: number;
  text: string;
}

/** One POST; throws for no answer (retryable) and returns any HTTP answer. */
async function post(url: string, body: unknown, doFetch: typeof globalThis.fetch, timeoutMs: number): Promise<Answer> {
  try {
    const response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, text: await response.text() };
  } catch (err) {
    const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    if (e?.name === 'TimeoutError' || e?.name === 'AbortError')
      throw new Error(`POST ${url} failed: no answer within ${timeoutMs}ms`, { cause: err });
    throw new Error(
      `POST ${url} failed: cannot reach it (${e?.cause?.message ?? e?.cause?.code ?? e?.message ?? String(err)})`,
      { cause: err },
    );
  }
}

const refused = (url: string, a: Answer) =>
  `POST ${url} failed: ${a.status}${a.text.trim() ? `: ${a.text.trim().slice(0, 200)}` : ' with an empty body'}`;

export function httpInjector(config: HttpInjectorConfig, deps: HttpInjectorDeps): FaultInjector {
  const { url } = config;
  const doFetch = deps.fetch ?? globalThis.fetch;
  const sleep = deps.sleep ?? realSleep;
  const timeoutMs = deps.timeoutMs ?? 5_000;

  /** POSTs until an answer that is not a 5xx, at most HTTP_INJECTOR_ATTEMPTS times. */
  async function send(body: unknown): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      let failure: string;
      try {
        const answer = await post(url, body, doFetch, timeoutMs);
        if (answer.status < 500) return answer;
        failure = refused(url, answer);
      } catch (err) {
        failure = (err as Error).message;
      }
      if (attempt >= HTTP_INJECTOR_ATTEMPTS) throw new Error(`${failure} (after ${attempt} attempts)`);
      await sleep(HTTP_INJECTOR_RETRY_DELAY_MS * 2 ** (attempt - 1));
    }
  }

  /** Why no fault may be sent to the URL for a drill on `service`, or null. */
  function refusal(service: string): Said | null {
    return drillServiceSaid(deps.services, service) ?? httpFaultTargetSaid(deps.services, service, url);
  }

  return {
    kind: 'http',

    // The endpoint has no object to read: which Service the URL reaches is all there is to judge.
    async checkTarget(service): Promise<TargetCheck> {
      const why = refusal(service);
      return why ? { ok: false, reason: why.en, reasonJa: why.ja } : { ok: true };
    },

    describe(spec) {
      return [`POST ${url} ${JSON.stringify(applyBody(spec))}`];
    },

    async apply(spec): Promise<AppliedFault> {
      const why = refusal(spec.service);
      if (why) throw new Error(`the drill was refused and nothing was sent: ${why.en}`);
      const answer = await send(applyBody(spec));
      if (answer.status < 200 || answer.status > 299) throw new Error(refused(url, answer));
      return { injector: 'http', spec, detail: { url, status: answer.status } };
    },

    async remove({ spec }): Promise<RemoveResult> {
      const answer = await send(removeBody(spec));
      if (answer.status === 404 || answer.status === 410) {
        return { removed: false, note: { kind: 'http_gone', drillId: spec.drillId, url, status: answer.status } };
      }
      if (answer.status < 200 || answer.status > 299) throw new Error(refused(url, answer));
      return { removed: true, note: { kind: 'http_removed', drillId: spec.drillId, url } };
    },
  };
}
