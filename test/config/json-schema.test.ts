import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildJsonSchema, jsonSchemaText, writeJsonSchema } from '../../src/config/json-schema.ts';

type Schema = {
  properties: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
  [k: string]: unknown;
};

describe('config/rewind.schema.json', () => {
  it('is exactly what the zod schema generates (run `npm run schema` after changing src/config/schema.ts)', () => {
    const committed = readFileSync('config/rewind.schema.json', 'utf8');
    expect(
      committed,
      'config/rewind.schema.json is stale: regenerate it with `npm run schema` (rewind generate-schema)',
    ).toBe(jsonSchemaText());
  });

  it('writeJsonSchema writes the same text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rewind-schema-'));
    try {
      const file = join(dir, 'schema.json');
      writeJsonSchema(file);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(buildJsonSchema());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('buildJsonSchema', () => {
  const schema = buildJsonSchema() as unknown as Schema;

  it('describes the input: only slack and services are required, unknown keys are refused', () => {
    expect(schema.required).toEqual(['slack', 'services']);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual([
      'locale',
      'slack',
      'escalation',
      'metrics',
      'triggers',
      'matrix',
      'rollback',
      'services',
      'drills',
    ]);
  });

  it('shows durations as strings with a pattern and their default', () => {
    const window = schema.properties.triggers?.properties.observationWindow;
    expect(window).toMatchObject({ type: 'string', default: '5m' });
    const pattern = new RegExp(String(window?.pattern));
    for (const ok of ['500ms', '30s', '5m', '2h', '7d', '1h30m']) expect(pattern.test(ok)).toBe(true);
    for (const bad of ['5 minutes', '300', 'soon']) expect(pattern.test(bad)).toBe(false);
  });

  it('shows ratios as a 0–1 number or a percentage string', () => {
    const items = schema.properties.drills?.properties.scenarios?.items as { oneOf?: Schema[]; anyOf?: Schema[] };
    const variants = items.oneOf ?? items.anyOf ?? [];
    const errors = variants.find((v) => (v.properties.trigger as { const?: string }).const === 'inject_errors');
    expect(errors?.properties.errorRate).toMatchObject({
      anyOf: [{ type: 'number', minimum: 0, maximum: 1 }, { type: 'string' }],
    });
  });

  it('offers the router kinds as alternatives', () => {
    const services = schema.properties.services as unknown as { additionalProperties: Schema };
    const router = services.additionalProperties.properties.router as { oneOf?: Schema[]; anyOf?: Schema[] };
    const kinds = (router.oneOf ?? router.anyOf ?? []).map((v) => (v.properties.kind as { const?: string }).const);
    expect(kinds).toEqual(['service-selector', 'gateway-api', 'istio', 'nginx', 'replicas']);
  });
});
