import { describe, expect, it } from 'vitest';
import { statusText, timelineText, type StatusData } from '../../../src/adapters/slack/blocks/answers.ts';

const AT = Date.UTC(2026, 0, 5, 9, 0);
const POST_ACTIONS = { kind: 'system', id: 'post-actions' } as const;

describe('timelineText', () => {
  it(
    'writes every instant in the team zone, details included, and a matrix rule by its number as the head gives ' +
      'it',
    () => {
      const text = timelineText(
        'INC-1',
        [
          {
            at: AT,
            kind: 'assessment',
            actor: { kind: 'user', id: 'U0LEAD' },
            detail: { recommended: 'gradual', rule: 2 },
          },
          {
            at: AT + 60_000,
            kind: 'postmortem_scheduled',
            actor: POST_ACTIONS,
            detail: { at: Date.UTC(2026, 0, 6, 1, 0) },
          },
        ],
        'Asia/Tokyo',
        'en',
      );
      expect(text).toContain('`2026-01-05 (Mon) 18:00 Asia/Tokyo` *assessment* <@U0LEAD> — recommended=gradual rule=3');
      expect(text).toContain('*postmortem_scheduled* post-actions — at=2026-01-06 (Tue) 10:00 Asia/Tokyo');
      expect(
        timelineText(
          'INC-1',
          [{ at: AT, kind: 'postmortem_scheduled', actor: POST_ACTIONS, detail: { at: AT } }],
          'Asia/Tokyo',
          'ja',
        ),
      ).toContain('*ポストモーテムの予定* 事後対応 — 日時: 2026-01-05 (月) 18:00 Asia/Tokyo');
    },
  );
});

describe('statusText', () => {
  const base: StatusData = {
    service: 'prompt-service',
    version: 'v2.0.0',
    rollback: null,
    incident: null,
    tiers: { critical: [], warning: [], watch: [] },
    live: null,
  };
  const WINDOW = 5 * 60_000;

  it('shows what the metrics read now, per version taking traffic, with its share', () => {
    const text = statusText(
      {
        ...base,
        live: {
          windowMs: WINDOW,
          versions: [
            { version: 'v2.0.0', weight: 25, sample: { error_rate: 0.045, p95_latency: 1500.4, eval_score: 0.8 } },
            { version: 'v1.5.0', weight: 75, sample: {}, units: {} },
          ],
        },
      },
      'en',
    );
    expect(text).toContain(
      'Now (over the last 5m 00s):\n' +
        '• `v2.0.0` (25% of traffic): error_rate 4.5%, p95_latency 1500ms, eval_score 0.8\n' +
        '• `v1.5.0` (75% of traffic): no metric could be read',
    );
    expect(text).not.toContain('once a metrics provider is connected');
    const ja = statusText(
      {
        ...base,
        live: { windowMs: WINDOW, versions: [{ version: 'v2.0.0', weight: null, sample: { error_rate: 0.045 } }] },
      },
      'ja',
    );
    expect(ja).toContain('現在値（直近 5分00秒）:\n• `v2.0.0`: error_rate 4.5%');
  });

  it('says a backend that did not answer in time as such, and shows custom metrics in their unit', () => {
    const late = statusText(
      { ...base, live: { windowMs: WINDOW, versions: [{ version: 'v2.0.0', weight: 100, sample: null }] } },
      'en',
    );
    expect(late).toContain('• `v2.0.0` (100% of traffic): the metrics backend did not answer in time');
    const none = statusText({ ...base, live: { windowMs: WINDOW, versions: [] } }, 'ja');
    expect(none).toContain('現在値（直近 5分00秒）:\n• メトリクスのバックエンドが時間内に応答しませんでした');
    const cost = statusText(
      {
        ...base,
        live: {
          windowMs: WINDOW,
          versions: [
            {
              version: 'v2.0.0',
              weight: 100,
              sample: { cost_per_request: 0.0123 },
              units: { cost_per_request: 'usd' },
            },
          ],
        },
      },
      'en',
    );
    expect(cost).toContain('cost_per_request $0.0123');
  });

  it('without a metrics provider says only that, in both languages', () => {
    expect(statusText(base, 'en')).toMatch(/No metrics provider is configured, so Rewind reads no live values\.$/);
    expect(statusText(base, 'ja')).toMatch(/メトリクスプロバイダが設定されていないため、現在値は読み取っていません。$/);
  });

  it('escapes what came from outside', () => {
    const text = statusText(
      { ...base, live: { windowMs: WINDOW, versions: [{ version: '<!channel>', weight: 100, sample: {} }] } },
      'en',
    );
    expect(text).toContain('`&lt;!channel&gt;`');
  });
});
