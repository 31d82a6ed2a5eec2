/**
 * A small text sparkline for a metric series in a Slack message: ▁▂▃▄▅▆▇█, scaled to the series'
 * own range (its lowest reading is ▁, its highest █), so a move from 4.5% to 0.4% spans the bars
 * however small it is next to a threshold. A threshold is placed on the same scale (`levelOf`):
 * at a bar, above the chart or below it, so the reader can tell which bars are over it.
 */
const BARS = '▁▂▃▄▅▆▇█';
/** A point that could not be read: a gap the reader can see, not a bar that pretends to be low. */
export const MISSING_POINT = '·';

/** A reading, or null/undefined/NaN when there was none. */
export type SparkPoint = number | null | undefined;

interface Range {
  min: number;
  max: number;
}

const readable = (v: SparkPoint): v is number => typeof v === 'number' && Number.isFinite(v);

function rangeOf(values: readonly SparkPoint[]): Range | null {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!readable(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min === Infinity ? null : { min, max };
}

/** The bar a value at or inside the range is drawn with; a constant series draws flat at the bottom. */
function barOf(v: number, { min, max }: Range): string {
  if (max === min) return BARS[0] as string;
  return BARS[Math.round(((v - min) / (max - min)) * (BARS.length - 1))] as string;
}

/** One character per point; empty when no point could be read. */
export function sparkline(values: readonly SparkPoint[]): string {
  const range = rangeOf(values);
  if (!range) return '';
  return values.map((v) => (readable(v) ? barOf(v, range) : MISSING_POINT)).join('');
}

/** Where a level (a threshold) lies on a series' chart. */
export type Level = { kind: 'above' } | { kind: 'below' } | { kind: 'at'; bar: string };

/**
 * The bar a level sits at when it falls within the series' range, else whether the whole chart is
 * under it (`above`) or over it (`below`). Null when the series has no readable point.
 */
export function levelOf(level: number, values: readonly SparkPoint[]): Level | null {
  const range = rangeOf(values);
  if (!range || !Number.isFinite(level)) return null;
  if (level > range.max) return { kind: 'above' };
  if (level < range.min) return { kind: 'below' };
  return { kind: 'at', bar: barOf(level, range) };
}

/** Whether the chart of these values has a gap. */
export function hasMissing(values: readonly SparkPoint[]): boolean {
  return values.some((v) => !readable(v));
}
