/**
 * The PrometheusRule of deploy/monitoring.yaml and the plain rule file promtool reads (its
 * `spec`, which is a Prometheus rule file's `groups:`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface PrometheusRule extends KubernetesObject {
  spec?: { groups: Array<{ name: string; rules: AlertRule[] }> };
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The PrometheusRule as deploy/monitoring.yaml has it. */
export function shippedPrometheusRule(): PrometheusRule {
  const objects = parseAllDocuments(readFileSync(path.join(root, 'deploy/monitoring.yaml'), 'utf8')).map(
    (d) => d.toJS() as KubernetesObject,
  );
  const rule = objects.find((o) => o.kind === 'PrometheusRule');
  if (!rule) throw new Error('deploy/monitoring.yaml has no PrometheusRule');
  return rule as PrometheusRule;
}

/** A Prometheus rule file with the PrometheusRule's groups, for promtool. */
export function promRuleGroups(rule: PrometheusRule): { groups: NonNullable<PrometheusRule['spec']>['groups'] } {
  return { groups: rule.spec?.groups ?? [] };
}
