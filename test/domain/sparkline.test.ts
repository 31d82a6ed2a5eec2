import { describe, expect, it } from 'vitest';
import { hasMissing, levelOf, sparkline } from '../../src/domain/sparkline.ts';

describe('sparkline', () => {
  it('scales a series to its own range: the lowest reading is ▁, the highest █', () => {
    expect(sparkline([0.12, 0.09, 0.05, 0.01, 0.004])).toBe('█▆▄▁▁');
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8])).toBe('▁▂▃▄▅▆▇█');
    // A recovery from 4.5% to 0.4%: the baseline is the top bar, the healthy readings the bottom.
    expect(sparkline([0.045, 0.004, 0.004, 0.004])).toBe('█▁▁▁');
    // The range is the series' own, however small next to a threshold.
    expect(sparkline([0.004, 0.0041, 0.0042])).toBe('▁▅█');
  });

  it('draws a constant series flat, one point as one bar, and an empty series empty', () => {
    expect(sparkline([3, 3, 3])).toBe('▁▁▁');
    expect(sparkline([0.004])).toBe('▁');
    expect(sparkline([])).toBe('');
  });

  it('leaves unreadable points as a visible gap and scales the rest without them', () => {
    expect(sparkline([1, Number.NaN, 2])).toBe('▁·█');
    expect(sparkline([null, 8, undefined, 1, Number.POSITIVE_INFINITY])).toBe('·█·▁·');
    expect(sparkline([null, Number.NaN])).toBe('');
    expect(hasMissing([1, null, 2])).toBe(true);
    expect(hasMissing([1, 2])).toBe(false);
  });
});

describe('levelOf: where a threshold lies on the chart', () => {
  const recovery = [0.045, 0.004, 0.004];

  it('is the bar at its height when it falls inside the range', () => {
    expect(levelOf(0.02, recovery)).toEqual({ kind: 'at', bar: '▄' }); // (0.02 − 0.004) / 0.041 ≈ 0.39 → ▄
    expect(levelOf(0.045, recovery)).toEqual({ kind: 'at', bar: '█' });
    expect(levelOf(0.004, recovery)).toEqual({ kind: 'at', bar: '▁' });
  });

  it('is above or below the chart when every reading is under or over it', () => {
    expect(levelOf(0.05, recovery)).toEqual({ kind: 'above' });
    expect(levelOf(0.001, recovery)).toEqual({ kind: 'below' });
  });

  it('on a constant series: at the flat line when equal, else above or below; nothing without readings', () => {
    expect(levelOf(3, [3, 3])).toEqual({ kind: 'at', bar: '▁' });
    expect(levelOf(4, [3, 3])).toEqual({ kind: 'above' });
    expect(levelOf(2, [3])).toEqual({ kind: 'below' });
    expect(levelOf(0.05, [])).toBeNull();
    expect(levelOf(0.05, [null, Number.NaN])).toBeNull();
    expect(levelOf(Number.NaN, recovery)).toBeNull();
  });
});
