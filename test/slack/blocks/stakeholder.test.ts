import { describe, expect, it } from 'vitest';
import { metricsNamed, stakeholderText, type StakeholderView } from '../../../src/adapters/slack/blocks/stakeholder.ts';
import { START } from './support.ts';

const M = 60_000;
const view = (overrides: Partial<StakeholderView> = {}): StakeholderView => ({
  incidentId: 'INC-20260105-001',
  service: 'prompt-service',
  drill: false,
  metrics: ['error_rate'],
  userImpact: 'all',
  startedAt: START,
  resolved: null,
  work: { kind: 'investigating' },
  timezone: 'Asia/Tokyo',
  ...overrides,
});
const line = (text: string, label: string) =>
  text
    .split('\n')
    .find((l) => l.startsWith(`*${label}*: `))
    ?.slice(label.length + 4);

describe('stakeholderText', () => {
  it('says what users saw once per kind of trouble, however many metrics show it', () => {
    const v = view({
      metrics: ['error_rate', 'p95_latency', 'p99_latency', 'hallucination_rate'],
      userImpact: 'minor',
    });
    expect(line(stakeholderText(v, 'en'), 'What users saw')).toBe(
      'A few users received errors, saw slow responses and received inaccurate answers.',
    );
    expect(line(stakeholderText(v, 'ja'), 'ユーザーへの影響')).toBe(
      'ごく一部のユーザーにエラー・応答の遅延・不正確な回答が発生',
    );
    expect(line(stakeholderText(view({ metrics: ['availability'] }), 'en'), 'What users saw')).toBe(
      'All users could not reach the service.',
    );
  });

  it('gives a planned rollback its time in the named zone, and after the switch promises the confirmation next', () => {
    const planned = stakeholderText(view({ work: { kind: 'rollback_planned', at: START + 90 * M } }), 'en');
    expect(line(planned, 'Since')).toBe('2026-01-05 (Mon) 18:00 Asia/Tokyo');
    expect(line(planned, 'What we are doing')).toBe(
      'Switching the service back to its previous version is planned for 2026-01-05 (Mon) 19:30 Asia/Tokyo.',
    );
    const ja = stakeholderText(view({ work: { kind: 'rollback_planned', at: START + 90 * M }, timezone: 'UTC' }), 'ja');
    expect(line(ja, '対応状況')).toBe('2026-01-05 (月) 10:30 UTC にサービスを以前のバージョンへ切り戻す予定です。');
    const switched = stakeholderText(view({ work: { kind: 'rolled_back' } }), 'en');
    expect(line(switched, 'Next update')).toBe('When the team has confirmed that the service works normally.');
  });

  it('names every course in plain words, in both languages', () => {
    for (const kind of ['fixing', 'fix_canary', 'deferred', 'rollback_stopped'] as const) {
      const en = line(stakeholderText(view({ work: { kind } }), 'en'), 'What we are doing') ?? '';
      const ja = line(stakeholderText(view({ work: { kind } }), 'ja'), '対応状況') ?? '';
      expect(en).toMatch(/^[A-Z][^%_]+\.$/);
      expect(ja).toMatch(/。$/);
    }
  });

  it('a resolution restored without a rollback says so; a drill says it is one first', () => {
    const text = stakeholderText(view({ resolved: { at: START + 42 * M, rolledBack: false }, drill: true }), 'en');
    expect(text.split('\n')).toEqual([
      '🧪 *DRILL* · ✅ *INC-20260105-001* · prompt-service · resolved',
      '*What users saw*: All users received errors.',
      '*When*: 2026-01-05 (Mon) 18:00 Asia/Tokyo, resolved after 42m 00s',
      '*What we did*: The service works normally again.',
      '*Next update*: None: this is the final update.',
    ]);
  });
});

describe('metricsNamed', () => {
  it('finds the runbook metric names a summary mentions, as whole words', () => {
    expect(metricsNamed('error_rate 7.2% > 5%, p99_latency 12000 > 10000')).toEqual(['error_rate', 'p99_latency']);
    expect(metricsNamed('my_error_rate_total rose; error rate is high')).toEqual([]);
  });
});
