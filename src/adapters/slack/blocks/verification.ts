/**
 * A verification step's metric lines in the thread: `error_rate: 4.5% → 0.4%  █▁▁▁▁▁  thresholds:
 * > 5% above the chart, > 2% at ▃`. The chart is scaled to the readings' own range, so it shows
 * the move however small it is next to a threshold; each threshold then says where it lies on that
 * scale, which is what lets a reader tell the bars that are over it.
 */
import { formatValue } from '../../../domain/conditions.ts';
import { MISSING_POINT, hasMissing, levelOf, sparkline } from '../../../domain/sparkline.ts';
import type { MetricMove } from '../../../domain/verification.ts';
import type { Locale } from '../i18n/locale.ts';
import { TERMS } from '../i18n/terms.ts';
import { VERIFICATION_STRINGS } from '../i18n/verification.ts';
import { escapeMrkdwn } from './format.ts';

/** One line per metric, as mrkdwn (escaped here: thresholds carry `>` and `<`). */
export function metricMoveLines(moves: readonly MetricMove[], locale: Locale): string[] {
  return moves.map((m) => `• ${escapeMrkdwn(metricMoveText(m, locale))}`);
}

/** The line as plain text. */
export function metricMoveText(m: MetricMove, locale: Locale): string {
  const s = VERIFICATION_STRINGS[locale];
  const show = (v: number | null) => (v === null ? '?' : formatValue(m.metric, v, m.unit));
  const chart = sparkline(m.series);
  const placed = m.thresholds.map(({ op, threshold }) => {
    const text = `${op} ${formatValue(m.metric, threshold, m.unit)}`;
    const level = levelOf(threshold, m.series);
    if (level === null) return text;
    if (level.kind === 'at') return s.at(text, level.bar);
    return level.kind === 'above' ? s.above(text) : s.below(text);
  });
  const parts = [`${m.metric}: ${show(m.before)} → ${show(m.after)}`];
  if (chart) parts.push(chart);
  if (placed.length > 0) parts.push(s.thresholds(placed.join(TERMS[locale].listSeparator)));
  const line = parts.join('  ');
  return chart && hasMissing(m.series) ? s.withMissing(line, MISSING_POINT) : line;
}
