/**
 * The units people write in config/rewind.yml: durations (`500ms`, `30s`, `5m`, `2h`, `7d`),
 * ratios (`10%` or `0.10`) and latencies (`10000`, `10000ms`, `10s`). Every parser either returns
 * the value in Rewind's internal unit (milliseconds, or a 0–1 fraction) or throws an Error whose
 * message says what was expected and what was found, ready to show next to a YAML line.
 */

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type DurationUnit = keyof typeof UNIT_MS;

const DURATION_EXPECTED = 'expected a duration such as 30s, 5m, 2h, 7d';
/** One or more `<number><unit>` parts, so that formatDuration's `1h30m` reads back. */
const DURATION_SHAPE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** The pattern editors check durations against (the JSON Schema uses it). */
export const DURATION_PATTERN = '^\\s*(\\d+(\\.\\d+)?(ms|s|m|h|d))+\\s*$';
/** Ratios as editors see them: `10%` or `0.10` (a bare number is allowed as well). */
export const RATIO_PATTERN = '^\\s*(\\d+(\\.\\d+)?%|0(\\.\\d+)?|1(\\.0+)?)\\s*$';
/** Latencies as editors see them when written as text: `10000ms` or `10s`. */
export const LATENCY_PATTERN = '^\\s*\\d+(\\.\\d+)?(ms|s)?\\s*$';

function quote(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** Milliseconds from `500ms`, `30s`, `5m`, `2h`, `7d` or a combination such as `1h30m`. */
export function parseDuration(v: string | number): number {
  if (typeof v === 'number') {
    // A bare number is ambiguous (seconds? minutes?), and guessing wrong silently is worse than asking.
    throw new Error(
      `${DURATION_EXPECTED}; got the bare number ${v}: add a unit, e.g. "${v}s" for seconds or "${v}ms" for ` +
        `milliseconds`,
    );
  }
  if (typeof v !== 'string') throw new Error(`${DURATION_EXPECTED}; got ${quote(v)}`);
  const text = v.trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    throw new Error(
      `${DURATION_EXPECTED}; got "${v}" without a unit: write e.g. "${text}s" for seconds or "${text}ms" for ` +
        `milliseconds`,
    );
  }
  if (!DURATION_SHAPE.test(text)) throw new Error(`${DURATION_EXPECTED}; got "${v}"`);
  let total = 0;
  for (const m of text.matchAll(DURATION_PART)) {
    const [, amount = '0', unit = 'ms'] = m;
    total += Number(amount) * UNIT_MS[unit as DurationUnit];
  }
  return Math.round(total);
}

/**
 * A 0–1 fraction from `10%`, `0.10` or `"0.10"`. A number above 1 is refused rather than read as a
 * percentage, because `10` is far more likely a forgotten `%` than a typo for `0.10`.
 */
export function parseRatio(v: string | number): number {
  const expected = 'expected a ratio between 0 and 1 such as 0.10 or 10%';
  let value: number;
  if (typeof v === 'number') {
    value = v;
  } else if (typeof v === 'string') {
    const text = v.trim();
    const percent = /^(-?\d+(?:\.\d+)?)\s*%$/.exec(text);
    if (percent) {
      value = Number(percent[1]) / 100;
      if (value < 0) throw new Error(`${expected}; got "${v}", which is negative`);
      if (value > 1) throw new Error(`${expected}; got "${v}", which is above 100%`);
      return value;
    }
    if (!/^-?\d+(?:\.\d+)?$/.test(text)) throw new Error(`${expected}; got "${v}"`);
    value = Number(text);
  } else {
    throw new Error(`${expected}; got ${quote(v)}`);
  }
  if (!Number.isFinite(value)) throw new Error(`${expected}; got ${quote(v)}`);
  if (value < 0) throw new Error(`${expected}; got ${quote(v)}, which is negative`);
  if (value > 1) throw new Error(`${expected}; got ${quote(v)}, which is above 1 (did you mean "${value}%"?)`);
  return value;
}

/** Milliseconds from `10000`, `"10000ms"` or `"10s"`; a bare number is already milliseconds. */
export function parseLatencyMs(v: string | number): number {
  const expected = 'expected a latency in milliseconds such as 10000, 10000ms or 10s';
  let value: number;
  if (typeof v === 'number') {
    value = v;
  } else if (typeof v === 'string') {
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s)?$/.exec(v.trim());
    if (!m) throw new Error(`${expected}; got "${v}"`);
    value = Number(m[1]) * (m[2] === 's' ? 1_000 : 1);
  } else {
    throw new Error(`${expected}; got ${quote(v)}`);
  }
  if (!Number.isFinite(value) || value < 0) throw new Error(`${expected}; got ${quote(v)}`);
  return Math.round(value);
}

/**
 * The shortest readable form, in the same notation the config uses: `5m`, `90s`, `1h30m`, `7d`,
 * `1500ms`. Minutes are folded into hours (`1h30m`) but seconds are not folded into minutes,
 * because `90s` reads better than `1m30s` for the short windows it is used for.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) throw new Error(`cannot format ${ms} as a duration`);
  const rounded = Math.round(ms);
  if (rounded < 0) return `-${formatDuration(-rounded)}`;
  if (rounded === 0) return '0s';
  if (rounded % UNIT_MS.d === 0) return `${rounded / UNIT_MS.d}d`;
  if (rounded % UNIT_MS.m === 0) {
    const minutes = rounded / UNIT_MS.m;
    if (minutes < 60) return `${minutes}m`;
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    return rest === 0 ? `${hours}h` : `${hours}h${rest}m`;
  }
  if (rounded % UNIT_MS.s === 0) return `${rounded / UNIT_MS.s}s`;
  return `${rounded}ms`;
}
