import { describe, expect, it } from 'vitest';
import { parseDrill } from '../../../src/adapters/slack/commands/drill.ts';
import { parseIncident } from '../../../src/adapters/slack/commands/incident.ts';
import {
  code,
  describeParseError,
  helpText,
  renderParseError,
  usage,
} from '../../../src/adapters/slack/commands/render.ts';
import { parseRollback } from '../../../src/adapters/slack/commands/rollback.ts';
import type { CommandName, ParseError } from '../../../src/adapters/slack/commands/types.ts';
import {
  DRILL_SUBCOMMANDS,
  INCIDENT_SUBCOMMANDS,
  ROLLBACK_SUBCOMMANDS,
} from '../../../src/adapters/slack/commands/types.ts';
import { COMMAND_STRINGS } from '../../../src/adapters/slack/i18n/commands.ts';
import type { Locale } from '../../../src/adapters/slack/i18n/locale.ts';

const LOCALES: Locale[] = ['en', 'ja'];
const SUBS: Record<CommandName, readonly string[]> = {
  rollback: ROLLBACK_SUBCOMMANDS,
  incident: INCIDENT_SUBCOMMANDS,
  drill: DRILL_SUBCOMMANDS,
};
const SERVICES = ['prompt-service', 'prompt-service-staging'];

/** One error of every code, with the words its rendering must show. */
const CASES: Array<{ command: CommandName; error: ParseError; shows: string[] }> = [
  {
    command: 'rollback',
    error: { code: 'unknown_subcommand', given: 'stauts', known: [...ROLLBACK_SUBCOMMANDS], suggestion: 'status' },
    shows: ['`stauts`', '`/rollback`', '`status`', '`immediate`', '`complaint`'],
  },
  {
    command: 'rollback',
    error: { code: 'missing_argument', name: 'service', known: SERVICES },
    shows: ['`prompt-service`', '`prompt-service-staging`'],
  },
  { command: 'rollback', error: { code: 'unexpected_argument', given: 'now' }, shows: ['`now`'] },
  {
    command: 'rollback',
    error: { code: 'unknown_service', given: 'prompt-servce', known: SERVICES, suggestion: 'prompt-service' },
    shows: ['`prompt-servce`', '`prompt-service`', '`prompt-service-staging`'],
  },
  {
    command: 'rollback',
    error: { code: 'unknown_version', service: 'prompt-service', given: 'v9', known: ['v2.0.0', 'v1.5.0'] },
    shows: ['`v9`', '`prompt-service`', '`v2.0.0`', '`v1.5.0`'],
  },
  {
    command: 'rollback',
    error: { code: 'bad_time', given: 'noon' },
    shows: ['`noon`', '`14:30`', '`2026-01-05 14:30`', '`2026-01-05T05:30:00Z`', '`+30m`', '`in 30m`'],
  },
  {
    command: 'rollback',
    error: { code: 'time_not_in_future', given: '2026-01-04 10:00' },
    shows: ['`2026-01-04 10:00`'],
  },
  { command: 'rollback', error: { code: 'time_too_far', given: '+31d' }, shows: ['`+31d`', '30'] },
  {
    command: 'drill',
    error: { code: 'unknown_scenario', given: 'outage', known: ['high-error-rate', 'partial-outage'] },
    shows: ['`outage`', '`high-error-rate`', '`partial-outage`'],
  },
  {
    command: 'incident',
    error: { code: 'bad_id', given: 'INC-1', expected: 'INC-YYYYMMDD-NNN' },
    shows: ['`INC-1`', '`INC-YYYYMMDD-NNN`', '`INC-20260105-001`'],
  },
  { command: 'rollback', error: { code: 'empty_complaint' }, shows: [] },
  { command: 'rollback', error: { code: 'complaint_too_long', length: 1200, max: 1000 }, shows: ['1200', '1000'] },
];

describe('renderParseError', () => {
  it('covers every error code', () => {
    const codes = new Set(CASES.map((c) => c.error.code));
    expect(codes.size).toBe(12);
  });

  for (const locale of LOCALES) {
    for (const { command, error, shows } of CASES) {
      it(`${locale}: ${error.code} names what was typed and what would work, then the usage`, () => {
        const text = renderParseError(command, error, locale);
        const [problem, heading, ...rest] = text.split('\n');
        expect(problem).toBe(`⚠️ ${describeParseError(command, error, locale)}`);
        for (const word of shows) expect(problem).toContain(word);
        expect(heading).toBe(COMMAND_STRINGS[locale].usageHeading);
        expect(rest.join('\n')).toContain(usage(command, locale));
        expect(text.split('\n').at(-1)).toContain(`\`/${command} help\``);
      });
    }
  }

  it('en: says "did you mean" only when there is a suggestion', () => {
    expect(
      describeParseError(
        'rollback',
        { code: 'unknown_service', given: 'x', known: SERVICES, suggestion: 'prompt-service' },
        'en',
      ),
    ).toBe(
      'Unknown service `x`. Did you mean `prompt-service`? Configured services: `prompt-service`, ' +
        '`prompt-service-staging`.',
    );
    expect(describeParseError('rollback', { code: 'unknown_service', given: 'x', known: SERVICES }, 'en')).toBe(
      'Unknown service `x`. Configured services: `prompt-service`, `prompt-service-staging`.',
    );
  });

  it('ja: reads naturally, with the Japanese list separator', () => {
    expect(
      describeParseError(
        'rollback',
        { code: 'unknown_service', given: 'x', known: SERVICES, suggestion: 'prompt-service' },
        'ja',
      ),
    ).toBe(
      '`x` というサービスはありません。もしかして `prompt-service` ですか? 設定済みのサービス: `prompt-service`、`prompt-service-staging`',
    );
    expect(describeParseError('rollback', { code: 'missing_argument', name: 'service', known: SERVICES }, 'ja')).toBe(
      'サービス名がありません。指定できるもの: `prompt-service`、`prompt-service-staging`',
    );
  });

  it('names a missing argument in words, and says when nothing is configured', () => {
    expect(describeParseError('rollback', { code: 'missing_argument', name: 'time' }, 'en')).toBe(
      'Missing the time (`at <time>` or `in <duration>`).',
    );
    expect(describeParseError('drill', { code: 'unknown_scenario', given: 'x', known: [] }, 'en')).toBe(
      'Unknown drill scenario `x`. No drill scenarios are configured.',
    );
    expect(describeParseError('rollback', { code: 'unknown_service', given: 'x', known: [] }, 'ja')).toBe(
      '`x` というサービスはありません。サービスが1つも設定されていません。',
    );
  });

  it('escapes what was typed so it cannot become a mention, a link or break the code span', () => {
    const text = renderParseError('rollback', { code: 'unexpected_argument', given: '<!channel>`&' }, 'en');
    expect(text.split('\n')[0]).toBe("⚠️ Unexpected `&lt;!channel&gt;'&amp;`: nothing more belongs there.");
    expect(text).not.toContain('<');
  });

  it('cuts a very long echo', () => {
    expect(code('x'.repeat(200))).toBe(`\`${'x'.repeat(79)}…\``);
  });

  it('renders a real parse result end to end', () => {
    const r = parseRollback('gradual prompt-service to 1.5.0', {
      services: { 'prompt-service': { versions: ['v2.0.0', 'v1.5.0'] } },
      scenarios: [],
      now: 0,
      timezone: 'UTC',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(renderParseError('rollback', r.error, 'en').split('\n')[0]).toBe(
      '⚠️ `prompt-service` has no version `1.5.0`. Did you mean `v1.5.0`? Its versions: `v2.0.0`, `v1.5.0`.',
    );
  });
});

describe('usage', () => {
  for (const locale of LOCALES) {
    for (const command of ['rollback', 'incident', 'drill'] as const) {
      it(`${locale}: /${command} has one line per subcommand, in order`, () => {
        const lines = usage(command, locale).split('\n');
        expect(lines).toHaveLength(SUBS[command].length);
        SUBS[command].forEach((sub, i) => expect(lines[i]?.startsWith(`\`/${command} ${sub}`)).toBe(true));
      });
    }
  }

  it('escapes placeholders so Slack shows <service> instead of eating it', () => {
    expect(usage('rollback', 'en').split('\n')[0]).toBe('`/rollback immediate &lt;service&gt; [to &lt;version&gt;]`');
    expect(usage('rollback', 'ja').split('\n')[2]).toBe(
      '`/rollback planned &lt;サービス&gt; [to &lt;バージョン&gt;] at &lt;時刻&gt; [immediate|gradual]`',
    );
  });
});

describe('helpText', () => {
  for (const locale of LOCALES) {
    for (const command of ['rollback', 'incident', 'drill'] as const) {
      it(`${locale}: /${command} explains every subcommand with an example`, () => {
        const text = helpText(command, locale);
        const entries = COMMAND_STRINGS[locale].help[command].entries as Record<
          string,
          { explain: string; example: string }
        >;
        for (const sub of SUBS[command]) {
          expect(text).toContain(`• \`/${command} ${sub}`);
          const entry = entries[sub];
          expect(entry?.explain).toBeTruthy();
          expect(text).toContain(entry?.explain);
          expect(text).toContain(`${COMMAND_STRINGS[locale].exampleLabel} \`/${command} ${entry?.example}\``);
        }
      });
    }
  }

  it('rollback help says who may run rollbacks, in both languages', () => {
    expect(helpText('rollback', 'en').toLowerCase()).toContain(
      'only approvers may start, pause, resume or abort a rollback',
    );
    expect(helpText('rollback', 'ja')).toContain(
      'ロールバックの開始・一時停止・再開・中止ができるのは承認者(approvers)だけです',
    );
  });

  it('rollback help lists the time forms and the 30-day limit', () => {
    for (const locale of LOCALES) {
      const text = helpText('rollback', locale);
      for (const form of ['`14:30`', '`2026-01-05 14:30`', '`2026-01-05T05:30:00Z`', '`+30m`', '`in 30m`'])
        expect(text).toContain(form);
      expect(text).toContain('30');
    }
  });

  it('every help example parses', () => {
    const ctx = {
      services: { 'prompt-service': { versions: ['v2.0.0', 'v1.5.0', 'v1.0.0'] } },
      scenarios: ['high-error-rate'],
      now: Date.UTC(2026, 0, 5, 3, 0),
      timezone: 'Asia/Tokyo',
    };
    for (const locale of LOCALES) {
      const help = COMMAND_STRINGS[locale].help;
      for (const [sub, e] of Object.entries(help.rollback.entries))
        expect(parseRollback(e.example, ctx), `${locale} rollback ${sub}`).toMatchObject({
          ok: true,
          command: { sub },
        });
      for (const [sub, e] of Object.entries(help.incident.entries))
        expect(parseIncident(e.example, ctx), `${locale} incident ${sub}`).toMatchObject({
          ok: true,
          command: { sub },
        });
      for (const [sub, e] of Object.entries(help.drill.entries))
        expect(parseDrill(e.example, ctx), `${locale} drill ${sub}`).toMatchObject({ ok: true, command: { sub } });
    }
  });
});

describe('string tables', () => {
  /** Every key path of an object, arrays by index, functions as leaves. */
  function keyPaths(value: unknown, prefix = ''): string[] {
    if (value === null || typeof value !== 'object') return [prefix];
    return Object.entries(value).flatMap(([k, v]) => keyPaths(v, prefix ? `${prefix}.${k}` : k));
  }

  it('en and ja have the same keys', () => {
    expect(keyPaths(COMMAND_STRINGS.ja).sort()).toEqual(keyPaths(COMMAND_STRINGS.en).sort());
  });

  it('no string is empty and ja is actually translated', () => {
    const leaves = (o: unknown): unknown[] =>
      o !== null && typeof o === 'object' ? Object.values(o).flatMap(leaves) : [o];
    for (const locale of LOCALES)
      for (const leaf of leaves(COMMAND_STRINGS[locale]))
        if (typeof leaf === 'string') expect(leaf.length).toBeGreaterThan(0);
    expect(COMMAND_STRINGS.ja.help.rollback.entries.immediate.explain).toContain('即座ロールバック');
    expect(COMMAND_STRINGS.ja.help.rollback.entries.gradual.explain).toContain('段階的ロールバック');
    expect(COMMAND_STRINGS.ja.help.rollback.entries.planned.explain).toContain('計画的ロールバック');
  });
});
