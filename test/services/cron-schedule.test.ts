import { describe, expect, it } from 'vitest';
import { getTasks } from 'node-cron';
import { nextCronRuns } from '../../src/services/cron-schedule.ts';

describe('nextCronRuns', () => {
  it('gives the quarterly drill times in Tokyo from the injected now, not the system clock', () => {
    const from = Date.UTC(2026, 0, 5, 9); // 2026-01-05 18:00 JST
    expect(nextCronRuns('0 10 1 1,4,7,10 *', 'Asia/Tokyo', from, 4).map((t) => new Date(t).toISOString())).toEqual([
      '2026-04-01T01:00:00.000Z',
      '2026-07-01T01:00:00.000Z',
      '2026-10-01T01:00:00.000Z',
      '2027-01-01T01:00:00.000Z',
    ]);
  });

  it('leaves no task registered behind and refuses a bad expression', () => {
    const before = getTasks().size;
    nextCronRuns('*/5 * * * *', 'UTC', 0, 2);
    expect(getTasks().size).toBe(before);
    expect(() => nextCronRuns('61 * * * *', 'UTC', 0, 1)).toThrow('invalid cron expression "61 * * * *"');
  });
});
