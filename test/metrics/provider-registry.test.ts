/**
 * The metrics providers are listed once (src/adapters/metrics/registry.ts); `metrics:` of the
 * config, createMetrics and the backtest's refusal follow from the provider modules.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/adapters/metrics/index.ts';
import type { MetricsProvider } from '../../src/adapters/metrics/provider.ts';
import { METRIC_PROVIDERS, METRIC_PROVIDER_NAMES, metricsProvider } from '../../src/adapters/metrics/registry.ts';
import { buildJsonSchema } from '../../src/config/json-schema.ts';
import { parseConfigText } from '../../src/config/load.ts';
import { loadGraph } from '../support/load-graph.ts';
import { configWith, fixedClock } from './support.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const providers: readonly MetricsProvider[] = METRIC_PROVIDERS;

/** `metrics:` choosing the provider, with its required setting when it has settings. */
function metricsYaml(p: MetricsProvider, withSettings = true): string {
  const lines = [`  provider: ${p.name}`];
  if (p.settings && withSettings)
    lines.push(`  ${p.settings.key}: { ${p.settings.required}: "http://metrics.example/$metric" }`);
  return lines.join('\n');
}

describe('the metrics provider registry and the config schema agree', () => {
  it("lists each provider once; metrics.provider offers exactly those; metrics: takes each one's settings key", () => {
    expect(METRIC_PROVIDER_NAMES).toEqual(['prometheus', 'http-json', 'simulated']);
    const schema = buildJsonSchema() as {
      properties: { metrics: { properties: Record<string, { enum?: string[] }> } };
    };
    const metrics = schema.properties.metrics.properties;
    expect(metrics.provider?.enum).toEqual(METRIC_PROVIDER_NAMES);
    const keys = providers.flatMap((p) => (p.settings ? [p.settings.key] : []));
    expect(Object.keys(metrics)).toEqual(['provider', ...keys, 'queries', 'custom']);
  });

  it.each(providers.map((p) => [p.name, p] as const))('%s: parses, and createMetrics builds it', (name, p) => {
    const config = configWith(metricsYaml(p));
    expect(config.metrics.provider).toBe(name);
    expect(createMetrics(config, { clock: fixedClock() }).provider).toBe(name);
  });

  it.each(providers.filter((p) => p.settings).map((p) => [p.name, p] as const))(
    '%s: chosen without its settings, says which key is required',
    (name, p) => {
      const r = parseConfigText(
        `slack: { incidentChannel: C0I, stakeholderChannel: C0S, drillChannel: C0D, approvers: [U0L] }
metrics:
${metricsYaml(p, false)}
services: { app: { router: { kind: replicas }, versions: [{ version: v1, deployment: app-v1 }] } }
`,
        'rewind.yml',
      );
      const { key, required } = p.settings!;
      expect(r.ok ? [] : r.problems.map((x) => [x.path, x.message.split(' (e.g.')[0]])).toEqual([
        [`metrics.${key}.${required}`, `provider is ${name}, so metrics.${key}.${required} is required`],
      ]);
    },
  );

  it('an unknown provider is refused with the registered names', () => {
    const r = parseConfigText('metrics: { provider: influx }\n', 'rewind.yml');
    expect(r.ok ? [] : r.problems.filter((x) => x.path === 'metrics.provider').map((x) => x.message)).toEqual([
      `expected a metrics provider: one of ${METRIC_PROVIDER_NAMES.join(' | ')}; got "influx"`,
    ]);
  });

  it('only Prometheus can be replayed by rewind backtest; the others say why not', () => {
    expect(providers.filter((p) => p.noBacktest === undefined).map((p) => p.name)).toEqual(['prometheus']);
    expect(metricsProvider('simulated')?.noBacktest).toMatch(/^whose /);
    expect(metricsProvider('influx')).toBeUndefined();
  });
});

describe('config loads the provider modules without I/O', () => {
  it('nothing the registry loads imports a package but zod, or any node: module', () => {
    const { files, packages } = loadGraph('src/adapters/metrics/registry.ts', root);
    expect(files).toContain('src/adapters/metrics/prometheus.ts');
    expect(Object.fromEntries(packages)).toEqual({ zod: expect.any(String) });
  });
});
