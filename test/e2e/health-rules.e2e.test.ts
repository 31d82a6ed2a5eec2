/**
 * The alerts on Rewind's own health (deploy/monitoring.yaml's PrometheusRule) run by the real
 * Prometheus rule engine: `promtool check rules` accepts them, and `promtool test rules` feeds
 * each one the series of the failure it is about — and of a harmless case beside it — and checks
 * it fires when it should, with its labels and filled-in annotations, and not before.
 * (npm test skips its promtool check when promtool is missing; here it must be installed:
 * bash scripts/e2e-deps.sh.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { promRuleGroups, shippedPrometheusRule, type AlertRule } from '../deploy/rules.ts';

const rule = shippedPrometheusRule();
const rules = rule.spec?.groups.flatMap((g) => g.rules) ?? [];
const byName = (alert: string): AlertRule => {
  const found = rules.find((r) => r.alert === alert);
  if (!found) throw new Error(`deploy/monitoring.yaml has no alert ${alert}`);
  return found;
};

/** The rule's annotations as Prometheus fills them in for one alert. */
function annotations(alert: string, fill: { value?: string; duration?: string; code?: string } = {}) {
  const replace = (text: string) =>
    text
      .replace('{{ $value | humanizeDuration }}', fill.duration ?? '')
      .replace('{{ $value }}', fill.value ?? '')
      .replace('{{ $labels.code }}', fill.code ?? '');
  return Object.fromEntries(Object.entries(byName(alert).annotations ?? {}).map(([k, v]) => [k, replace(v)]));
}

interface Case {
  alert: string;
  series: Array<{ series: string; values: string }>;
  /** Evaluation times (minutes) at which the alert must not fire yet, or not at all. */
  quiet: number[];
  /** When it fires, and the labels and annotation values it fires with. */
  fires?: { at: number; labels: Record<string, string>; fill?: Parameters<typeof annotations>[1] };
}

const JOB = { job: 'rewind', namespace: 'rewind' };

/**
 * One series per replica, as the ServiceMonitor scrapes three pods: `instance` and `pod` differ.
 * `values` is the same for each, or one per replica; `labels` are added to each (`code="401"`).
 */
function replicas(metric: string, values: string | string[], labels = ''): Case['series'] {
  return ['rewind-0', 'rewind-1', 'rewind-2'].map((pod, i) => ({
    series: `${metric}{job="rewind", namespace="rewind", pod="${pod}", instance="10.0.0.${i + 1}:3000"${labels}}`,
    values: typeof values === 'string' ? values : (values[i] ?? ''),
  }));
}
const CASES: Case[] = [
  {
    alert: 'RewindDown',
    series: [{ series: 'up{job="rewind", namespace="rewind"}', values: '0x15' }],
    quiet: [4],
    fires: { at: 6, labels: { ...JOB, severity: 'critical' } },
  },
  {
    alert: 'RewindDown',
    series: [{ series: 'up{job="rewind", namespace="rewind"}', values: '1x15' }],
    quiet: [6, 15],
  },
  {
    alert: 'RewindAbsent',
    series: [{ series: 'rewind_store_writable{job="rewind", namespace="rewind"}', values: '1x20' }],
    quiet: [9],
    fires: { at: 11, labels: { ...JOB, severity: 'critical' } },
  },
  {
    alert: 'RewindStoreNotWritable',
    series: [{ series: 'rewind_store_writable{job="rewind", namespace="rewind"}', values: '1 1 0x10' }],
    quiet: [3],
    fires: { at: 5, labels: { ...JOB, severity: 'critical' }, fill: { value: '1' } },
  },
  {
    // Three replicas on one PostgreSQL that is gone: one alert, counting them.
    alert: 'RewindStoreNotWritable',
    series: replicas('rewind_store_writable', '1 1 0x10'),
    quiet: [3],
    fires: { at: 5, labels: { ...JOB, severity: 'critical' }, fill: { value: '3' } },
  },
  {
    // The same overdue timers in the one database, read by each of three replicas: one alert.
    alert: 'RewindTimersOverdue',
    series: replicas('rewind_timers_overdue', '0 0 2x10'),
    quiet: [6],
    fires: { at: 8, labels: { ...JOB, severity: 'critical' }, fill: { value: '2' } },
  },
  {
    alert: 'RewindSlackOutboxStale',
    series: replicas('rewind_outbox_oldest_seconds', '0+60x20'),
    quiet: [10],
    fires: { at: 12, labels: { ...JOB, severity: 'critical' }, fill: { duration: '12m 0s' } },
  },
  {
    alert: 'RewindNoLeader',
    // rewind-0 leads until minute 4, then no one does.
    series: replicas('rewind_leader', ['1x4 0x10', '0x14', '0x14'], ', name="rewind-leader"'),
    quiet: [3, 8],
    fires: { at: 10, labels: { ...JOB, name: 'rewind-leader', severity: 'warning' } },
  },
  {
    // Handing over from one replica to another is not an alert.
    alert: 'RewindNoLeader',
    series: replicas('rewind_leader', ['1x8 0x12', '0x8 0 1x11', '0x20'], ', name="rewind-leader"'),
    quiet: [5, 9, 15, 20],
  },
  {
    alert: 'RewindTimersOverdue',
    series: [{ series: 'rewind_timers_overdue{job="rewind", namespace="rewind"}', values: '0 0 2x10' }],
    quiet: [6],
    fires: { at: 8, labels: { ...JOB, severity: 'critical' }, fill: { value: '2' } },
  },
  {
    alert: 'RewindSlackOutboxGrowing',
    series: [{ series: 'rewind_outbox_backlog{job="rewind", namespace="rewind"}', values: '0+5x40' }],
    quiet: [10],
    fires: { at: 20, labels: { ...JOB, severity: 'warning' }, fill: { value: '100' } },
  },
  {
    // A backlog that is large but drains or holds is Slack pacing, not Slack gone.
    alert: 'RewindSlackOutboxGrowing',
    series: [{ series: 'rewind_outbox_backlog{job="rewind", namespace="rewind"}', values: '50x40' }],
    quiet: [20, 40],
  },
  {
    alert: 'RewindSlackOutboxStale',
    series: [{ series: 'rewind_outbox_oldest_seconds{job="rewind", namespace="rewind"}', values: '0+60x20' }],
    quiet: [10],
    fires: { at: 12, labels: { ...JOB, severity: 'critical' }, fill: { duration: '12m 0s' } },
  },
  {
    alert: 'RewindSlackMessagesUndeliverable',
    series: [{ series: 'rewind_slack_messages_undeliverable{job="rewind", namespace="rewind"}', values: '0x30 1x30' }],
    quiet: [29],
    fires: { at: 35, labels: { ...JOB, severity: 'warning' } },
  },
  {
    alert: 'RewindKubernetesAccessDenied',
    series: [
      { series: 'rewind_kube_api_errors_total{job="rewind", namespace="rewind", code="403"}', values: '0 0 1x10' },
      // Conflicts are re-read by design: never an alert.
      { series: 'rewind_kube_api_errors_total{job="rewind", namespace="rewind", code="409"}', values: '0+3x12' },
    ],
    quiet: [1],
    fires: { at: 3, labels: { ...JOB, code: '403', severity: 'warning' }, fill: { code: '403' } },
  },
  {
    // Each replica counts its own refusals: summed, one alert for the code.
    alert: 'RewindKubernetesAccessDenied',
    series: replicas('rewind_kube_api_errors_total', '0 0 1x10', ', code="401"'),
    quiet: [1],
    fires: { at: 3, labels: { ...JOB, code: '401', severity: 'warning' }, fill: { code: '401' } },
  },
];

function promtool(...args: string[]) {
  return spawnSync('promtool', args, { encoding: 'utf8' });
}

describe('deploy/monitoring.yaml alerts, through promtool', () => {
  let dir: string;
  beforeAll(() => {
    const version = promtool('--version');
    if (version.error) throw new Error('promtool is not installed: run bash scripts/e2e-deps.sh (Debian: prometheus)');
    dir = mkdtempSync(join(tmpdir(), 'rewind-health-rules-'));
    writeFileSync(join(dir, 'rules.yml'), stringify(promRuleGroups(rule)));
  });

  it('promtool check rules accepts every rule', () => {
    const r = promtool('check', 'rules', join(dir, 'rules.yml'));
    expect(r.stdout + r.stderr).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(r.status).toBe(0);
  });

  it('every alert has a case that makes it fire', () => {
    expect(new Set(CASES.filter((c) => c.fires).map((c) => c.alert))).toEqual(new Set(rules.map((r) => r.alert)));
  });

  it('promtool test rules: each alert fires on its failure, at its time, and stays quiet otherwise', () => {
    const tests = CASES.map((c) => ({
      interval: '1m',
      input_series: c.series,
      alert_rule_test: [
        ...c.quiet.map((at) => ({ eval_time: `${at}m`, alertname: c.alert, exp_alerts: [] })),
        ...(c.fires
          ? [
              {
                eval_time: `${c.fires.at}m`,
                alertname: c.alert,
                exp_alerts: [{ exp_labels: c.fires.labels, exp_annotations: annotations(c.alert, c.fires.fill) }],
              },
            ]
          : []),
      ],
    }));
    writeFileSync(join(dir, 'tests.yml'), stringify({ rule_files: ['rules.yml'], evaluation_interval: '1m', tests }));
    const r = promtool('test', 'rules', join(dir, 'tests.yml'));
    expect(r.stdout + r.stderr).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });
});
