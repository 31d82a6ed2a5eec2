/**
 * The stakeholder notice: one message per incident in the stakeholder channel, posted when the
 * incident reaches the configured severity (or is rolled back) and updated in place until it is
 * resolved. It is written for people outside the team: what users saw (from the metrics that
 * breached and the user-impact answer), since when (in the team's time zone, named, since readers
 * are not all in one place), what is being done and when the next update comes. Thresholds, tiers
 * and version names stay in the incident channel: they mean nothing to the readers here.
 */
import {
  METRIC_NAMES,
  isBuiltinMetric,
  type BuiltinMetric,
  type MetricName,
  type MetricUnit,
} from '../../../domain/metrics.ts';
import type { UserImpact } from '../../../domain/types.ts';
import type { Locale } from '../i18n/locale.ts';
import { STAKEHOLDER_STRINGS, type Symptom, type WorkKind } from '../i18n/stakeholder.ts';
import { escapeMrkdwn, formatElapsed, formatTimeInZone } from './format.ts';
import { SLACK_LIMITS, clip } from './limits.ts';
import { drillPrefix } from './notes.ts';

/** The service name comes from alerts: outside text of any length. */
const SERVICE_SHOWN = 200;

/** What the team is doing about an open incident; `rollback_planned` names when the switch runs. */
export type StakeholderWork = { kind: WorkKind } | { kind: 'rollback_planned'; at: number };

export interface StakeholderView {
  incidentId: string;
  service: string;
  drill: boolean;
  /** The metrics users felt; empty when nothing says which (an alert that names none). */
  metrics: readonly MetricName[];
  /** The units of the custom metrics among them: a custom latency reads as slowness too. */
  units?: Readonly<Record<MetricName, MetricUnit>>;
  userImpact: UserImpact | null;
  startedAt: number;
  /** Null while open; `rolledBack`: service came back by switching to the previous version. */
  resolved: { at: number; rolledBack: boolean } | null;
  work: StakeholderWork;
  /** The team's time zone (config drills.timezone), named next to every time. */
  timezone: string;
}

const SYMPTOM: Record<BuiltinMetric, Symptom> = {
  error_rate: 'errors',
  availability: 'unreachable',
  p50_latency: 'slow',
  p95_latency: 'slow',
  p99_latency: 'slow',
  hallucination_rate: 'wrong_answers',
  user_complaints: 'complaints',
};

/**
 * What users saw of a metric: the built-ins' own symptoms; a custom metric in milliseconds is
 * slowness, any other (a cost, a score) is not something the stakeholder notice can name.
 */
function symptomOf(metric: MetricName, units: Readonly<Record<MetricName, MetricUnit>>): Symptom[] {
  if (isBuiltinMetric(metric)) return [SYMPTOM[metric]];
  return units[metric] === 'ms' ? ['slow'] : [];
}

/** The metric names a text mentions, in the runbook's order (an alert's summary such as `error_rate 7.2% > 5%`). */
export function metricsNamed(text: string): MetricName[] {
  return METRIC_NAMES.filter((m) => new RegExp(`\\b${m}\\b`).test(text));
}

export function stakeholderText(v: StakeholderView, locale: Locale): string {
  const s = STAKEHOLDER_STRINGS[locale];
  const service = escapeMrkdwn(clip(v.service, SERVICE_SHOWN));
  const symptoms = [...new Set(v.metrics.flatMap((m) => symptomOf(m, v.units ?? {})))].map((k) => s.symptom[k]);
  const saw = s.saw(
    s.who[v.userImpact ?? 'unknown'],
    symptoms.length > 0 ? symptoms : [s.symptom.other],
    v.userImpact === null,
  );
  const start = formatTimeInZone(v.startedAt, v.timezone, locale);
  const line = (label: string, value: string) => `*${label}*: ${value}`;
  const lines = v.resolved
    ? [
        s.headResolved(v.incidentId, service),
        line(s.label.saw, saw),
        line(s.label.when, s.resolvedWhen(start, formatElapsed(v.resolved.at - v.startedAt, locale))),
        line(s.label.done, v.resolved.rolledBack ? s.done.rolledBack : s.done.restored),
        line(s.label.next, s.next.none),
      ]
    : [
        s.head(v.incidentId, service),
        line(s.label.saw, saw),
        line(s.label.since, start),
        line(
          s.label.doing,
          v.work.kind === 'rollback_planned'
            ? s.rollbackPlanned(formatTimeInZone(v.work.at, v.timezone, locale))
            : s.doing[v.work.kind],
        ),
        line(s.label.next, v.work.kind === 'rolled_back' ? s.next.confirmed : s.next.restored),
      ];
  return clip(drillPrefix(v.drill, locale) + lines.join('\n'), SLACK_LIMITS.sectionText);
}
