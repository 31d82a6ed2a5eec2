/**
 * The PromQL the suite runs is the repository's own: read from config/rewind.yml
 * (metrics.queries) through the real config loader, so a change there is tested against the
 * real Prometheus.
 */
import { resolve } from 'node:path';
import { formatProblem, loadConfigFile } from '../../../src/config/load.ts';
import type { Config } from '../../../src/config/schema.ts';
import type { MetricName } from '../../../src/domain/metrics.ts';

export const REPO_CONFIG_FILE = resolve(import.meta.dirname, '../../../config/rewind.yml');

export function loadRepoConfig(file = REPO_CONFIG_FILE): Config {
  const result = loadConfigFile(file);
  if (!result.ok) throw new Error(`${file} does not load:\n${result.problems.map(formatProblem).join('\n')}`);
  return result.config;
}

/** metrics.queries.<metric> of the repository's config; throws when the metric has no query. */
export function repoQuery(metric: MetricName, config: Config = loadRepoConfig()): string {
  const query = config.metrics.queries[metric];
  if (!query) throw new Error(`config/rewind.yml has no metrics.queries.${metric}`);
  return query;
}

export interface QueryVars {
  service: string;
  version: string;
  /** A PromQL duration: `30s`, `5m`. */
  window: string;
}

/** Fills `$service`, `$version` and `$window`; any other `$name` left over is an error. */
export function fillQuery(template: string, vars: QueryVars): string {
  const filled = template.replace(/\$(service|version|window)\b/g, (_, name: keyof QueryVars) => vars[name]);
  const left = /\$[A-Za-z_]\w*/.exec(filled);
  if (left) throw new Error(`the query still has ${left[0]} after filling $service, $version and $window: ${filled}`);
  return filled;
}
