/**
 * `rewind backtest --service S --from T --to T`: replays a stretch of metric history (Prometheus
 * `query_range`) through the trigger core, step by step as the evaluator would have seen it, and
 * prints per tier when it would have fired and cleared — and the breaches that stayed under the
 * confirmation window — so a team can tune thresholds on last week's data before trusting them.
 *
 * The replay asks the same `evaluate` the evaluator runs, with the config's rules, so a threshold
 * that looks right here behaves the same in production. Two things differ and are said so in the
 * output: `user_complaints` counted from Slack has no history (its conditions are left out), and
 * a metric with no data at a step is unknown there, exactly as a failed read is live.
 */
import type { Output } from '../cli.ts';
import { parseArgs, UsageError } from './args.ts';
import { triggerRules } from '../config/derive.ts';
import { formatProblem, loadConfigFile } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { formatDuration, parseDuration } from '../config/units.ts';
import { DEFAULT_CONFIG_FILE } from '../config/validate-command.ts';
import type { Condition } from '../domain/conditions.ts';
import { METRIC_NAMES, type MetricName, type MetricSample } from '../domain/metrics.ts';
import { describeBreach, evaluate, initialTriggerState, type TriggerRules } from '../domain/triggers.ts';
import { TIERS, type Tier } from '../domain/types.ts';
import { formatZoned } from '../domain/zoned-time.ts';
import type { FetchLike } from '../adapters/metrics/http.ts';
import { PrometheusMetrics } from '../adapters/metrics/prometheus.ts';
import { metricsProvider } from '../adapters/metrics/registry.ts';
import { systemClock, type Clock } from '../clock.ts';
import type { Series } from '../services/ports.ts';

export { BACKTEST_USAGE } from './help.ts';

/** A replay longer than this is almost certainly a forgotten --step (a month at 30 s is 86,401). */
export const MAX_EVALUATIONS = 100_000;

export interface BacktestDeps {
  clock?: Clock;
  fetch?: FetchLike;
  /** Backoff before retrying a failed query (tests shorten it). */
  backoffMs?: number;
}

const OPTIONS = ['service', 'from', 'to', 'version', 'step', 'config'] as const;
type Option = (typeof OPTIONS)[number];

/** Epoch ms from an ISO time with a zone, a date (UTC midnight), `now`, or `-7d` / `-2h` / `-1h30m` before now. */
export function parseTime(text: string, nowMs: number, what = 'time'): number {
  const expected = `write an ISO time such as 2026-01-05T09:00:00Z or a time relative to now such as -7d, -2h or now`;
  const t = text.trim();
  if (t === 'now') return nowMs;
  const relative = /^-(.+)$/.exec(t);
  if (relative) {
    try {
      return nowMs - parseDuration(relative[1] as string);
    } catch {
      throw new UsageError(`${what} "${text}" is not a time: ${expected}`);
    }
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(t)) {
    throw new UsageError(`${what} "${text}" has no time zone: add Z for UTC or an offset such as +09:00`);
  }
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;
  const ms = iso.test(t) ? Date.parse(t) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`${what} "${text}" is not a time: ${expected}`);
  return ms;
}

/** `2026-01-05T09:22:00Z`: milliseconds only when there are some; for echoing the times given on the command line. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * `2026-01-05 18:22:30 Asia/Tokyo`: the report's times, in the team's zone (drills.timezone) like
 * every time Rewind writes.
 */
function reportTime(ms: number, timeZone: string): string {
  return formatZoned(ms, timeZone, undefined, { seconds: true });
}

/** Usage errors are thrown as UsageError, which the CLI prints as one line with exit code 2. */
export async function backtestCommand(args: string[], out: Output, deps: BacktestDeps = {}): Promise<number> {
  const clock = deps.clock ?? systemClock;
  // The value of an option may start with "-": `--from -7d` is the whole point of relative times.
  const opts: Partial<Record<Option, string>> = parseArgs(args, { values: OPTIONS }).values;
  const missing = (['service', 'from', 'to'] as const).filter((o) => opts[o] === undefined);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((o) => `--${o}`).join(', ')}`);
  const now = Math.floor(clock.now() / 1000) * 1000;
  const fromMs = parseTime(opts.from as string, now, '--from');
  const toMs = parseTime(opts.to as string, now, '--to');
  if (fromMs >= toMs) throw new UsageError(`--from (${formatTime(fromMs)}) must be before --to (${formatTime(toMs)})`);
  const stepOpt = opts.step === undefined ? undefined : stepFrom(opts.step);

  const file = opts.config ?? process.env.REWIND_CONFIG ?? DEFAULT_CONFIG_FILE;
  const loaded = loadConfigFile(file);
  if (!loaded.ok) {
    for (const p of loaded.problems) out.error(formatProblem(p));
    return loaded.unreadable ? 2 : 1;
  }
  const config = loaded.config;
  const service = config.services[opts.service as string];
  if (!service) {
    out.error(
      `rewind backtest: unknown service "${opts.service}"; services in ${file}: ` +
        `${Object.keys(config.services).join(', ')}`,
    );
    return 1;
  }
  const chain = service.versions.map((v) => v.version);
  const version = opts.version ?? (chain[0] as string);
  if (!chain.includes(version)) {
    out.error(
      `rewind backtest: ${opts.service} has no version "${version}"; its versions, newest first: ${chain.join(', ')}`,
    );
    return 1;
  }
  const chosen = config.metrics;
  if (chosen.provider !== 'prometheus') {
    out.error(`rewind backtest: ${historyMissing(chosen.provider)}`);
    return 1;
  }
  const url = chosen.prometheus.url;
  const stepMs = stepOpt ?? config.triggers.evaluationInterval;
  const evaluations = Math.floor((toMs - fromMs) / stepMs) + 1;
  if (evaluations > MAX_EVALUATIONS) {
    out.error(
      `rewind backtest: ${formatDuration(toMs - fromMs)} every ${formatDuration(stepMs)} is ${evaluations} ` +
        `evaluations; use a larger --step (at most ${MAX_EVALUATIONS})`,
    );
    return 2;
  }

  const prometheus = new PrometheusMetrics({
    url,
    queries: config.metrics.queries,
    rangeWindowMs: config.triggers.observationWindow,
    clock,
    fetch: deps.fetch,
    backoffMs: deps.backoffMs,
  });
  const history = await prometheus.queryRange(opts.service as string, version, fromMs, toMs, stepMs);
  const failures = Object.entries(history.failures);
  if (failures.length > 0) {
    const unreachable = failures.find(([, e]) => e.unreachable);
    if (unreachable) {
      out.error(`rewind backtest: Prometheus at ${url} did not answer: ${unreachable[1].message}`);
    } else {
      out.error(`rewind backtest: Prometheus at ${url} could not answer every query:`);
      for (const [metric, err] of failures) out.error(`  ${metric}: ${err.message}`);
    }
    return 1;
  }

  const heading =
    `Backtest of ${opts.service} ${version} from ${reportTime(fromMs, config.drills.timezone)} to ` +
    `${reportTime(toMs, config.drills.timezone)} every ${formatDuration(stepMs)} (${evaluations} evaluations)`;
  for (const line of report(heading, config, prometheus.metrics, history.series, fromMs, stepMs, evaluations))
    out.log(line);
  return 0;
}

function stepFrom(text: string): number {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (err) {
    throw new UsageError(`--step: ${(err as Error).message}`);
  }
  if (ms <= 0) throw new UsageError(`--step must be longer than 0; got "${text}"`);
  return ms;
}

/** Why a provider other than Prometheus has no history to replay, in its module's words. */
function historyMissing(provider: string): string {
  const fix =
    'backtest replays Prometheus query_range history: set metrics.provider: prometheus and metrics.prometheus.url';
  const why = metricsProvider(provider)?.noBacktest ?? 'which keeps no Prometheus history';
  return `metrics.provider is ${provider}, ${why}; ${fix}`;
}

interface Run {
  since: number;
  lastBreach: number;
  firedAt: number | null;
  worst: Map<Condition, number>;
}

interface TierLog {
  lines: string[];
  firings: number;
  longestMs: number;
  longestOngoing: boolean;
  breached: boolean;
}

/** Replays the series and renders the report (pure: no I/O, times from the arguments). */
export function report(
  heading: string,
  config: Config,
  queried: MetricName[],
  series: Partial<Record<MetricName, Series>>,
  fromMs: number,
  stepMs: number,
  evaluations: number,
): string[] {
  const full = triggerRules(config);
  const leftOut = queried.includes('user_complaints')
    ? []
    : TIERS.flatMap((t) => full.tiers[t].filter((c) => c.metric === 'user_complaints').map((c) => `${c.text} (${t})`));
  const rules: TriggerRules = { ...full, tiers: { critical: [], warning: [], watch: [] } };
  for (const t of TIERS)
    rules.tiers[t] = full.tiers[t].filter((c) => queried.includes('user_complaints') || c.metric !== 'user_complaints');

  const lines = [heading, `Triggers (confirmation window ${formatDuration(rules.confirmationWindowMs)}):`];
  for (const t of TIERS) lines.push(`  ${t}: ${full.tiers[t].map((c) => c.text).join(', ') || 'no conditions'}`);
  if (leftOut.length > 0)
    lines.push(`Left out: ${leftOut.join(', ')}: user_complaints counts /rollback complaint and has no history`);

  const byTime = new Map<MetricName, Map<number, number>>();
  for (const [m, s] of Object.entries(series)) byTime.set(m as MetricName, new Map(s));
  const used = new Set(TIERS.flatMap((t) => rules.tiers[t].map((c) => c.metric)));
  const counts = new Map<MetricName, number>();

  let state = initialTriggerState();
  const runs: Record<Tier, Run | null> = { critical: null, warning: null, watch: null };
  const fresh = (): TierLog => ({ lines: [], firings: 0, longestMs: 0, longestOngoing: false, breached: false });
  const logs: Record<Tier, TierLog> = { critical: fresh(), warning: fresh(), watch: fresh() };
  const zone = config.drills.timezone;
  const lastAt = fromMs + (evaluations - 1) * stepMs;

  for (let k = 0; k < evaluations; k++) {
    const at = fromMs + k * stepMs;
    const sample: MetricSample = {};
    for (const [m, points] of byTime) {
      const v = points.get(at);
      if (v !== undefined) {
        sample[m] = v;
        counts.set(m, (counts.get(m) ?? 0) + 1);
      }
    }
    const result = evaluate(state, sample, at, rules);
    for (const t of TIERS) {
      const now = result.state.tiers[t];
      const breaches = result.breaches.filter((b) => rules.tiers[t].includes(b.condition));
      let run = runs[t];
      if (run && now.pendingSince === null) {
        finish(logs[t], run, { at, cleared: true }, rules.confirmationWindowMs, rules.tiers[t], zone);
        run = runs[t] = null;
      }
      if (!run && now.pendingSince !== null)
        run = runs[t] = { since: now.pendingSince, lastBreach: at, firedAt: null, worst: new Map() };
      if (!run) continue;
      if (breaches.length > 0) run.lastBreach = at;
      for (const b of breaches) run.worst.set(b.condition, worse(b.condition, run.worst.get(b.condition), b.value));
      if (run.firedAt === null && now.firingSince !== null) {
        run.firedAt = now.firingSince;
        logs[t].firings++;
        logs[t].lines.push(
          `  fired    ${reportTime(run.firedAt, zone)}  ` +
            `${breaches.map(describeBreach).join(', ') || 'no condition readable'}; breaching since ` +
            `${reportTime(run.since, zone)}`,
        );
      }
    }
    state = result.state;
  }
  for (const t of TIERS) {
    const run = runs[t];
    if (run) finish(logs[t], run, { at: lastAt, cleared: false }, rules.confirmationWindowMs, rules.tiers[t], zone);
  }

  const absent = [...used].filter((m) => !counts.has(m));
  const gaps = [...used].filter((m) => counts.has(m) && (counts.get(m) as number) < evaluations);
  for (const m of METRIC_NAMES.filter((n) => absent.includes(n))) {
    lines.push(
      `No data: ${m} has no value in this range ` +
        `(${queried.includes(m) ? 'its query returned nothing' : 'no query is configured for it'}); its conditions ` +
        `are unknown at every step and never fire or clear a tier`,
    );
  }
  if (counts.size === 0) {
    lines.push(
      'Nothing came back for any metric: check that this version had traffic in the range and that the queries match ' +
        'its labels',
    );
  }
  for (const m of METRIC_NAMES.filter((n) => gaps.includes(n))) {
    lines.push(
      `Gaps: ${m} has no value at ${evaluations - (counts.get(m) as number)} of ${evaluations} evaluations (unknown ` +
        `there: a gap neither fires nor clears a tier)`,
    );
  }

  const summary: string[] = [];
  for (const t of TIERS) {
    const log = logs[t];
    lines.push('', t, ...(log.breached ? log.lines : ['  never breached']));
    summary.push(
      log.firings === 0
        ? `${t} never fired`
        : `${t} fired ${log.firings} ${log.firings === 1 ? 'time' : 'times'}, longest ` +
            `${formatDuration(log.longestMs)}${log.longestOngoing ? ' (still firing at the end)' : ''}`,
    );
  }
  lines.push('', `Summary: ${summary.join('; ')}`);
  return lines;
}

/** Closes a run at its first healthy evaluation (`cleared`), or at the end of the range. */
function finish(
  log: TierLog,
  run: Run,
  end: { at: number; cleared: boolean },
  windowMs: number,
  conditions: readonly Condition[],
  zone: string,
): void {
  log.breached = true;
  const worst = conditions
    .filter((c) => run.worst.has(c))
    .map((condition) => describeBreach({ condition, value: run.worst.get(condition) as number }))
    .join(', ');
  const window = formatDuration(windowMs);
  if (run.firedAt !== null) {
    const lasted = end.at - run.firedAt;
    if (lasted > log.longestMs || (lasted === log.longestMs && !end.cleared)) {
      log.longestMs = lasted;
      log.longestOngoing = !end.cleared;
    }
    log.lines.push(
      end.cleared
        ? `  cleared  ${reportTime(end.at, zone)}  after ${formatDuration(lasted)}; worst ${worst}`
        : `  still firing at the end of the range (${reportTime(end.at, zone)}), ${formatDuration(lasted)} so far; ` +
            `worst ${worst}`,
    );
    return;
  }
  const held = formatDuration(run.lastBreach - run.since);
  log.lines.push(
    end.cleared
      ? `  not fired: breached ${reportTime(run.since, zone)} to ${reportTime(run.lastBreach, zone)} (${held}), ` +
          `under the ${window} confirmation window; worst ${worst}`
      : `  pending at the end of the range: breaching since ${reportTime(run.since, zone)} (${held}), under the ` +
          `${window} confirmation window so far; worst ${worst}`,
  );
}

/** The value further past the threshold: the highest for `>`, the lowest for `<`. */
function worse(c: Condition, prev: number | undefined, v: number): number {
  if (prev === undefined) return v;
  return c.op === '>' || c.op === '>=' ? Math.max(prev, v) : Math.min(prev, v);
}
