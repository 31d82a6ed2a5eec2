import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../../src/adapters/slack/i18n/locale.ts';

const I18N_DIR = fileURLToPath(new URL('../../../src/adapters/slack/i18n/', import.meta.url));
const MODULES = readdirSync(I18N_DIR).filter((f) => f.endsWith('.ts'));

/** A string table: an object keyed by exactly the locales. */
function isTable(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value).sort();
  return keys.length === LOCALES.length && [...LOCALES].sort().every((l, i) => keys[i] === l);
}

/**
 * Differences in shape between two locale trees: keys, kinds, function arity; and empty strings,
 * except separators, which Japanese legitimately leaves empty (`12分30秒`, sentences after `。`).
 */
function shapeProblems(a: unknown, b: unknown, path: string): string[] {
  const kind = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  if (kind(a) !== kind(b)) return [`${path}: ${kind(a)} vs ${kind(b)}`];
  if (typeof a === 'string') {
    if (/separator$/i.test(path)) return [];
    return a.length === 0 || (b as string).length === 0 ? [`${path}: empty string`] : [];
  }
  if (typeof a === 'function')
    return a.length === (b as (...args: unknown[]) => unknown).length
      ? []
      : [`${path}: takes ${a.length} vs ${(b as (...args: unknown[]) => unknown).length} arguments`];
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return [`${path}: ${a.length} vs ${bb.length} items`];
    return a.flatMap((x, i) => shapeProblems(x, bb[i], `${path}[${i}]`));
  }
  if (typeof a === 'object' && a !== null) {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
    return [...keys].flatMap((k) => {
      if (!(k in ao)) return [`${path}.${k}: missing in the first locale`];
      if (!(k in bo)) return [`${path}.${k}: missing in the second locale`];
      return shapeProblems(ao[k], bo[k], `${path}.${k}`);
    });
  }
  return [];
}

async function tables(): Promise<Array<{ name: string; table: Record<string, unknown> }>> {
  const found: Array<{ name: string; table: Record<string, unknown> }> = [];
  for (const file of MODULES) {
    const mod = (await import(new URL(file, `file://${I18N_DIR}`).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod))
      if (isTable(value)) found.push({ name: `${file}:${name}`, table: value });
  }
  return found;
}

describe('i18n string tables', () => {
  it('finds every table of the Slack surfaces', async () => {
    const names = (await tables()).map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'terms.ts:TERMS',
        'incident.ts:INCIDENT_STRINGS',
        'confirm.ts:CONFIRM_STRINGS',
        'notes.ts:NOTE_STRINGS',
        'refusals.ts:REFUSAL_STRINGS',
        'home.ts:HOME_STRINGS',
      ]),
    );
  });

  it('gives en and ja the same keys, kinds and arities, with no empty string', async () => {
    for (const { name, table } of await tables()) {
      const [first, ...rest] = LOCALES;
      for (const other of rest)
        expect(shapeProblems(table[first], table[other], `${name}(${first}↔${other})`), name).toEqual([]);
    }
  });

  it('detects a missing key, a changed arity and an empty string', () => {
    expect(shapeProblems({ a: 'x', b: { c: 'y' } }, { a: 'x', b: {} }, 't')).toEqual([
      't.b.c: missing in the second locale',
    ]);
    expect(shapeProblems({ f: (x: string) => x }, { f: (x: string, y: string) => x + y }, 't')).toEqual([
      't.f: takes 1 vs 2 arguments',
    ]);
    expect(shapeProblems({ a: 'x' }, { a: '' }, 't')).toEqual(['t.a: empty string']);
    expect(shapeProblems({ a: 'x' }, { a: 1 }, 't')).toEqual(['t.a: string vs number']);
    expect(shapeProblems({ listSeparator: ' ' }, { listSeparator: '' }, 't')).toEqual([]);
  });

  it('translates the labels a person acts on, rather than copying the English', async () => {
    const { TERMS } = await import('../../../src/adapters/slack/i18n/terms.ts');
    const { INCIDENT_STRINGS } = await import('../../../src/adapters/slack/i18n/incident.ts');
    const pairs: Array<[string, string]> = [
      ...Object.keys(TERMS.en.action).map(
        (k) =>
          [TERMS.en.action[k as keyof typeof TERMS.en.action], TERMS.ja.action[k as keyof typeof TERMS.ja.action]] as [
            string,
            string,
          ],
      ),
      ...Object.keys(INCIDENT_STRINGS.en.button).map(
        (k) =>
          [
            INCIDENT_STRINGS.en.button[k as keyof typeof INCIDENT_STRINGS.en.button],
            INCIDENT_STRINGS.ja.button[k as keyof typeof INCIDENT_STRINGS.ja.button],
          ] as [string, string],
      ),
      ...Object.keys(TERMS.en.incidentStatus).map(
        (k) =>
          [
            TERMS.en.incidentStatus[k as keyof typeof TERMS.en.incidentStatus],
            TERMS.ja.incidentStatus[k as keyof typeof TERMS.ja.incidentStatus],
          ] as [string, string],
      ),
    ];
    for (const [en, ja] of pairs) expect(ja, en).not.toBe(en);
    expect(TERMS.ja.action).toEqual({
      immediate: '即座ロールバック',
      gradual: '段階的ロールバック',
      fix: '修正を試みる',
      next_release: '次回リリースで修正',
    });
    expect(TERMS.ja.userImpact).toEqual({ all: '全体', partial: '一部', minor: '軽微' });
    expect(TERMS.ja.businessImpact).toEqual({ high: '高', medium: '中', low: '低' });
    expect(TERMS.ja.fixTime).toEqual({ short: '短', medium: '中', long: '長' });
  });
});
