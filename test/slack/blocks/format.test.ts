import { describe, expect, it } from 'vitest';
import {
  escapeMrkdwn,
  formatElapsed,
  formatPercent,
  formatTimeInZone,
  link,
  mention,
  mentionList,
  progressBar,
  rollbackProgress,
  splitText,
} from '../../../src/adapters/slack/blocks/format.ts';
import { clip } from '../../../src/adapters/slack/blocks/limits.ts';

describe('formatElapsed', () => {
  it.each([
    [0, '0s', '0秒'],
    [45_000, '45s', '45秒'],
    [59_999, '59s', '59秒'],
    [12 * 60_000 + 30_000, '12m 30s', '12分30秒'],
    [60 * 60_000 + 5 * 60_000 + 59_000, '1h 05m', '1時間05分'],
    [2 * 86_400_000 + 3 * 3_600_000 + 59 * 60_000, '2d 03h', '2日03時間'],
  ])('%i ms → %s / %s', (ms, en, ja) => {
    expect(formatElapsed(ms, 'en')).toBe(en);
    expect(formatElapsed(ms, 'ja')).toBe(ja);
  });

  it('reads a negative span (clock skew) as zero', () => {
    expect(formatElapsed(-5000, 'en')).toBe('0s');
  });
});

describe('progress', () => {
  it('draws ten cells, full only when done', () => {
    expect(progressBar(0)).toBe('░░░░░░░░░░');
    expect(progressBar(0.3)).toBe('▓▓▓░░░░░░░');
    expect(progressBar(0.75)).toBe('▓▓▓▓▓▓▓░░░');
    expect(progressBar(0.95)).toBe('▓▓▓▓▓▓▓▓▓░');
    expect(progressBar(1)).toBe('▓▓▓▓▓▓▓▓▓▓');
    expect(progressBar(1.7)).toBe('▓▓▓▓▓▓▓▓▓▓');
    expect(progressBar(Number.NaN)).toBe('░░░░░░░░░░');
  });

  it('measures a rollback from all traffic on the new version to none', () => {
    expect(rollbackProgress(100)).toBe(0);
    expect(rollbackProgress(25)).toBe(0.75);
    expect(rollbackProgress(0)).toBe(1);
    expect(rollbackProgress(null)).toBeNull();
  });
});

describe('splitText', () => {
  it('puts the version being rolled back first', () => {
    expect(splitText('v2.0.0', 'v1.5.0', 25, 'en')).toBe('v2.0.0 25% / v1.5.0 75%');
    expect(splitText('v2.0.0', 'v1.5.0', 12.5, 'en')).toBe('v2.0.0 12.5% / v1.5.0 87.5%');
  });

  it('names an unknown from-version and gives no split for an unknown weight', () => {
    expect(splitText(null, 'v1.5.0', 50, 'en')).toBe('current version 50% / v1.5.0 50%');
    expect(splitText(null, 'v1.5.0', 50, 'ja')).toBe('現行バージョン 50% / v1.5.0 50%');
    expect(splitText('v2.0.0', 'v1.5.0', null, 'en')).toBeNull();
  });

  it('formats percentages', () => {
    expect(formatPercent(5)).toBe('5%');
    expect(formatPercent(33.333)).toBe('33.3%');
  });
});

describe('mentions and escaping', () => {
  it('mentions users and user groups', () => {
    expect(mention('U0LEAD')).toBe('<@U0LEAD>');
    expect(mention('W0ENTERPRISE')).toBe('<@W0ENTERPRISE>');
    expect(mention('S0SRE')).toBe('<!subteam^S0SRE>');
    expect(mentionList(['S0SRE', 'U0LEAD'], 'en')).toBe('<!subteam^S0SRE>, <@U0LEAD>');
    expect(mentionList(['S0SRE', 'U0LEAD'], 'ja')).toBe('<!subteam^S0SRE>、<@U0LEAD>');
  });

  it('shows non-Slack actors as plain escaped text', () => {
    expect(mention('rewind')).toBe('rewind');
    expect(mention('<!channel>')).toBe('&lt;!channel&gt;');
  });

  it('escapes mrkdwn control characters', () => {
    expect(escapeMrkdwn('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
  });

  it('links only plain http(s) URLs', () => {
    expect(link('https://x.slack.com/archives/C1/p1', 'INC-1')).toBe('<https://x.slack.com/archives/C1/p1|INC-1>');
    expect(link(null, 'INC-1')).toBe('INC-1');
    expect(link('javascript:alert(1)', 'INC-1')).toBe('INC-1');
  });
});

describe('times', () => {
  const at = Date.UTC(2026, 3, 1, 1, 0, 0); // 10:00 in Tokyo, a Wednesday

  it('renders a time in the configured zone', () => {
    expect(formatTimeInZone(at, 'Asia/Tokyo', 'en')).toBe('2026-04-01 (Wed) 10:00 Asia/Tokyo');
    expect(formatTimeInZone(at, 'Asia/Tokyo', 'ja')).toBe('2026-04-01 (水) 10:00 Asia/Tokyo');
    expect(formatTimeInZone(at, 'UTC', 'en')).toBe('2026-04-01 (Wed) 01:00 UTC');
    expect(formatTimeInZone(Date.UTC(2026, 3, 1, 15, 0), 'Asia/Tokyo', 'en')).toBe('2026-04-02 (Thu) 00:00 Asia/Tokyo');
  });

  it('names a bad zone', () => {
    expect(() => formatTimeInZone(at, 'Mars/Olympus', 'en')).toThrow('unknown time zone "Mars/Olympus"');
  });
});

describe('clip', () => {
  it('leaves short text alone and cuts long text with an ellipsis within the limit', () => {
    expect(clip('abc', 3)).toBe('abc');
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('abcdef', 4).length).toBe(4);
  });

  it('never splits an emoji', () => {
    const out = clip('ab🔴🔴', 4);
    expect(out).toBe('ab…');
    expect(out.length).toBeLessThanOrEqual(4);
  });
});
