import { describe, expect, it } from 'vitest';
import { sparkline } from '../../src/domain/sparkline.ts';

describe('sparkline', () => {
  it('scales a series from the lowest to the highest bar', () => {
    expect(sparkline([0.12, 0.09, 0.05, 0.01, 0.004])).toBe('█▆▄▁▁');
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8])).toBe('▁▂▃▄▅▆▇█');
  });
  it('draws a flat series low, leaves unreadable points blank, and an empty series empty', () => {
    expect(sparkline([3, 3, 3])).toBe('▁▁▁');
    expect(sparkline([1, Number.NaN, 2])).toBe('▁ █');
    expect(sparkline([])).toBe('');
  });
});
