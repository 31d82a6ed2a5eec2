import { describe, expect, it } from 'vitest';
import { metricMoveLines, metricMoveText } from '../../../src/adapters/slack/blocks/verification.ts';
import type { MetricMove } from '../../../src/domain/verification.ts';

const move = (over: Partial<MetricMove> = {}): MetricMove => ({
  metric: 'error_rate',
  before: 0.045,
  after: 0.004,
  series: [0.045, 0.004, 0.004],
  thresholds: [
    { op: '>', threshold: 0.05 },
    { op: '>', threshold: 0.02 },
  ],
  ...over,
});

describe('a verification metric line', () => {
  it('draws the series to its own range and places each threshold on it', () => {
    expect(metricMoveText(move(), 'en')).toBe(
      'error_rate: 4.5% → 0.4%  █▁▁  thresholds: > 5% above the chart, > 2% at ▄',
    );
    expect(metricMoveText(move(), 'ja')).toBe(
      'error_rate: 4.5% → 0.4%  █▁▁  しきい値: > 5% はグラフより上、> 2% は ▄ の高さ',
    );
    const availability = move({
      metric: 'availability',
      before: 0.97,
      after: 0.999,
      series: [0.97, 0.999],
      thresholds: [{ op: '<', threshold: 0.95 }],
    });
    expect(metricMoveText(availability, 'en')).toBe('availability: 97% → 99.9%  ▁█  thresholds: < 95% below the chart');
  });

  it('one reading is one bar; no reading leaves out the chart and the thresholds unplaced', () => {
    expect(metricMoveText(move({ before: null, series: [0.004] }), 'en')).toBe(
      'error_rate: ? → 0.4%  ▁  thresholds: > 5% above the chart, > 2% above the chart',
    );
    expect(metricMoveText(move({ before: null, after: null, series: [null, null] }), 'en')).toBe(
      'error_rate: ? → ?  thresholds: > 5%, > 2%',
    );
    expect(metricMoveText(move({ before: null, after: null, series: [null, null] }), 'ja')).toBe(
      'error_rate: ? → ?  しきい値: > 5%、> 2%',
    );
  });

  it('says what a gap is when a reading failed', () => {
    expect(metricMoveText(move({ series: [0.045, null, 0.004] }), 'en')).toBe(
      'error_rate: 4.5% → 0.4%  █·▁  thresholds: > 5% above the chart, > 2% at ▄ (· no reading)',
    );
    expect(metricMoveText(move({ series: [0.045, null, 0.004] }), 'ja')).toBe(
      'error_rate: 4.5% → 0.4%  █·▁  しきい値: > 5% はグラフより上、> 2% は ▄ の高さ（· は読み取れなかった点）',
    );
  });

  it('is escaped for mrkdwn as a bullet', () => {
    expect(metricMoveLines([move()], 'en')).toEqual([
      '• error_rate: 4.5% → 0.4%  █▁▁  thresholds: &gt; 5% above the chart, &gt; 2% at ▄',
    ]);
  });
});
