/** Cron refusals in words: the item node-cron tripped over and what the field takes. */
import { describe, expect, it } from 'vitest';
import { explainCron } from '../../src/config/cron-text.ts';

describe('explainCron', () => {
  it.each([
    ['0 10 1 1,4,7,13 *', '1,4,7,13: 13 is not a month (1–12 or jan–dec)'],
    ['0 10 1 13 *', '13 is not a month (1–12 or jan–dec)'],
    ['61 10 * * *', '61 is not a minute (0–59)'],
    ['0 25 * * *', '25 is not an hour (0–23)'],
    ['0 10 0 * *', '0 is not a day of the month (1–31)'],
    ['0 10 * * 8', '8 is not a day of the week (0–7 or sun–sat)'],
    ['0 10 * * mon-fry', 'mon-fry: fry is not a day of the week (0–7 or sun–sat)'],
    ['0 10 1 jan,foo *', 'jan,foo: foo is not a month (1–12 or jan–dec)'],
    ['70 0 10 1 * *', '70 is not a second (0–59)'],
    ['1-70 * * * *', '1-70: 70 is not a minute (0–59)'],
    ['*/0 * * * *', '*/0: a step of 0 never moves on; use 1 or more'],
    ['*/x * * * *', '*/x: the step after / must be a whole number, such as */5'],
    ['1/5 * * * *', '1/5: a step needs * or a range before it, such as */5 or 1-59/5'],
    ['1,,2 * * * *', '1,,2: an empty item between commas'],
    ['1-2-3 * * * *', '1-2-3 is not a range: write first-last, such as 0-59'],
    ['0 0 30 2 *', 'day 30 never comes in month 2'],
    [
      '0 10 1 1,4,7,10',
      'it has 4 fields; cron needs 5 (minute hour day-of-month month day-of-week), or 6 with the seconds first',
    ],
    [
      '0 10 1 1,4,7,10 * *  *',
      'it has 7 fields; cron needs 5 (minute hour day-of-month month day-of-week), or 6 with the seconds first',
    ],
    ['0 10 1 1,4,7,10 *;', '";" is not a character cron uses'],
    [
      '@dayly',
      '@dayly is not one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly (did you mean "@daily"?)',
    ],
    ['61 25 * * *', '61 is not a minute (0–59); 25 is not an hour (0–23)'],
  ])('%j: %s', (expression, words) => {
    expect(explainCron(expression)).toBe(words);
  });

  it('says nothing about expressions node-cron takes, names and Quartz forms included', () => {
    for (const e of [
      '0 10 1 1,4,7,10 *',
      '30 9 * * mon-fri',
      '0 0 L * *',
      '0 0 * * 5#2',
      '@daily',
      '0 0 1 */3 *',
      '0 0 ? * ?',
    ])
      expect(explainCron(e)).toBeUndefined();
  });

  it('falls back to the field, in words, when it cannot point at one item', () => {
    expect(explainCron('0 0 32W * *')).toBe('32W is not a valid day of the month field (1–31)');
  });
});
