/**
 * Strings of a verification step's metric lines (blocks/verification.ts): before → after, the chart, its thresholds.
 */
import type { Locale } from './locale.ts';

export interface VerificationStrings {
  /** The thresholds after the chart; `list` joins the placed thresholds below. */
  thresholds: (list: string) => string;
  /** A threshold over every reading: no bar reaches it. */
  above: (threshold: string) => string;
  /** A threshold under every reading: every bar is past it. */
  below: (threshold: string) => string;
  /** A threshold inside the chart's range, at the height of `bar`. */
  at: (threshold: string, bar: string) => string;
  /** The line of a chart with gaps, saying what the gap character means. */
  withMissing: (line: string, mark: string) => string;
}

export const VERIFICATION_STRINGS: Record<Locale, VerificationStrings> = {
  en: {
    thresholds: (list) => `thresholds: ${list}`,
    above: (threshold) => `${threshold} above the chart`,
    below: (threshold) => `${threshold} below the chart`,
    at: (threshold, bar) => `${threshold} at ${bar}`,
    withMissing: (line, mark) => `${line} (${mark} no reading)`,
  },
  ja: {
    thresholds: (list) => `しきい値: ${list}`,
    above: (threshold) => `${threshold} はグラフより上`,
    below: (threshold) => `${threshold} はグラフより下`,
    at: (threshold, bar) => `${threshold} は ${bar} の高さ`,
    withMissing: (line, mark) => `${line}（${mark} は読み取れなかった点）`,
  },
};
