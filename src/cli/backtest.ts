/**
 * `rewind backtest --service S --from T --to T`: replays a stretch of metric history (Prometheus
 * `query_range`) through the trigger core, step by step as the evaluator would have seen it, and
 * prints per tier when it would have fired and cleared — and the breaches that stayed under the
 * confirmation window — so a team can tune thresholds on last week's data before trusting them.
 *
 * The replay asks the same `evaluate` the evaluator runs, with the config's rules, so a threshold
 * that looks right here behaves the same in production. Two things differ and are said so in the
 * output: `user_complaints` counted from Slack has no history (its conditions are left out), and
 * a metric with no data at a step is unknown there, exactly as a failed read is live. The team's
 * custom metrics (`metrics.custom`) are replayed with their own queries like the built-ins, and
 * shown in their units.
 *
 * The replay itself is backtest-json.ts; this report, like `--json`, is only a view of its result.
 */
import type { Output } from '../cli.ts';
import { parseArgs, UsageError } from './args.ts';
import {
  replayBacktest,
  type BacktestJson,
  type BreachRun,
  type BreachValue,
  type TriggerCondition,
} from './backtest-json.ts';
import { formatProblem, loadConfigFile } from '../config/load.ts';
import { metricQueries } from '../config/metrics-schema.ts';
import { formatDuration, parseDuration } from '../config/units.ts';
import { DEFAULT_CONFIG_FILE } from '../config/validate-command.ts';
import { describeBreach } from '../domain/triggers.ts';
import { TIERS } from '../domain/types.ts';
import { formatZoned } from '../domain/zoned-time.ts';
import type { FetchLike } from '../adapters/metrics/http.ts';
import { PrometheusMetrics } from '../adapters/metrics/prometheus.ts';
import { metricsProvider } from '../adapters/metrics/registry.ts';
import { systemClock, type Clock } from '../clock.ts';

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
  const parsed = parseArgs(args, { values: OPTIONS, flags: ['json'] });
  const opts: Partial<Record<Option, string>> = parsed.values;
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
    queries: metricQueries(config.metrics),
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

  const range = { service: opts.service as string, version, fromMs, toMs, stepMs, evaluations };
  const replay = replayBacktest(range, config, prometheus.metrics, history.series);
  if (parsed.flags.has('json')) out.log(JSON.stringify(replay, null, 2));
  else for (const line of renderReport(replay, config.drills.timezone)) out.log(line);
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

/** The text report: renders `replay` only, its times in the team's `timeZone` (pure: no I/O). */
export function renderReport(replay: BacktestJson, timeZone: string): string[] {
  const time = (iso: string) => reportTime(Date.parse(iso), timeZone);
  const lines = [
    `Backtest of ${replay.service} ${replay.version} from ${time(replay.from)} to ${time(replay.to)} every ` +
      `${formatDuration(replay.stepMs)} (${replay.evaluations} evaluations)`,
    `Triggers (confirmation window ${formatDuration(replay.confirmationWindowMs)}):`,
  ];
  for (const t of TIERS) lines.push(`  ${t}: ${replay.tiers[t].conditions.join(', ') || 'no conditions'}`);
  const leftOut = TIERS.flatMap((t) =>
    replay.triggers[t].filter((c) => !c.replayed).map((c) => `${c.condition} (${t})`),
  );
  if (leftOut.length > 0)
    lines.push(`Left out: ${leftOut.join(', ')}: user_complaints counts /rollback complaint and has no history`);
  for (const { metric, why } of replay.noData) {
    lines.push(
      `No data: ${metric} has no value in this range ` +
        `(${why === 'no data returned' ? 'its query returned nothing' : 'no query is configured for it'}); its ` +
        `conditions are unknown at every step and never fire or clear a tier`,
    );
  }
  if (replay.metricsWithData.length === 0) {
    lines.push(
      'Nothing came back for any metric: check that this version had traffic in the range and that the queries match ' +
        'its labels',
    );
  }
  for (const { metric, missingEvaluations } of replay.gaps) {
    lines.push(
      `Gaps: ${metric} has no value at ${missingEvaluations} of ${replay.evaluations} evaluations (unknown ` +
        `there: a gap neither fires nor clears a tier)`,
    );
  }

  const rendering = {
    time,
    window: formatDuration(replay.confirmationWindowMs),
    lastEvaluation: new Date(Date.parse(replay.from) + (replay.evaluations - 1) * replay.stepMs).toISOString(),
  };
  const summary: string[] = [];
  for (const t of TIERS) {
    const tier = replay.tiers[t];
    const conditions = new Map(replay.triggers[t].map((c) => [c.condition, c]));
    const describe = ({ condition, value }: BreachValue): string => {
      const c = conditions.get(condition) as TriggerCondition;
      return describeBreach({
        condition: { metric: c.metric, unit: c.unit, op: c.op, threshold: c.threshold, text: c.condition },
        value,
      });
    };
    const firedWith = new Map(replay.fired.filter((f) => f.tier === t).map((f) => [f.at, f.breaches]));
    const runs = tier.runs.flatMap((run) => runLines(run, { ...rendering, describe, firedWith }));
    lines.push('', t, ...(runs.length > 0 ? runs : ['  never breached']));
    summary.push(
      tier.firings === 0
        ? `${t} never fired`
        : `${t} fired ${tier.firings} ${tier.firings === 1 ? 'time' : 'times'}, longest ` +
            `${formatDuration(tier.longestFiringMs)}${tier.longestStillFiring ? ' (still firing at the end)' : ''}`,
    );
  }
  lines.push('', `Summary: ${summary.join('; ')}`);
  return lines;
}

/** What rendering a tier's runs takes besides the runs. */
interface TierRendering {
  time: (iso: string) => string;
  describe: (breach: BreachValue) => string;
  /** The breaches the tier fired on, by the ISO time it fired. */
  firedWith: Map<string, BreachValue[]>;
  /** The confirmation window. */
  window: string;
  /** ISO time: where a run still on at the end of the range ends. */
  lastEvaluation: string;
}

/** A run of a tier's breaches: when it fired and cleared, or how long it held under the confirmation window. */
function runLines(run: BreachRun, r: TierRendering): string[] {
  const worst = run.worst.map(r.describe).join(', ');
  const lasted = formatDuration(run.durationMs);
  if (run.firedAt === null) {
    return [
      run.clearedAt !== null
        ? `  not fired: breached ${r.time(run.breachingSince)} to ${r.time(run.lastBreachAt)} (${lasted}), ` +
          `under the ${r.window} confirmation window; worst ${worst}`
        : `  pending at the end of the range: breaching since ${r.time(run.breachingSince)} (${lasted}), under ` +
          `the ${r.window} confirmation window so far; worst ${worst}`,
    ];
  }
  const firedOn = (r.firedWith.get(run.firedAt) ?? []).map(r.describe).join(', ');
  return [
    `  fired    ${r.time(run.firedAt)}  ${firedOn || 'no condition readable'}; breaching since ` +
      `${r.time(run.breachingSince)}`,
    run.clearedAt !== null
      ? `  cleared  ${r.time(run.clearedAt)}  after ${lasted}; worst ${worst}`
      : `  still firing at the end of the range (${r.time(r.lastEvaluation)}), ${lasted} so far; worst ${worst}`,
  ];
}
