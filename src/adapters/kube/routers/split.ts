/**
 * Splits as the routers see them: every configured version gets a whole percent, the percents
 * sum to 100, and weights read from the cluster (proportional, or replica counts) are turned into
 * percents by largest remainder so they still sum to exactly 100.
 */
import type { Split } from '../../../services/ports.ts';
import { RouterError } from '../errors.ts';

export const describeSplit = (split: Split) =>
  Object.entries(split)
    .map(([v, w]) => `${v} ${w}%`)
    .join(', ');

/** The split with every configured version (absent ones at 0), or a RouterError saying what is wrong. */
export function completeSplit(split: Split, versions: readonly string[], serviceName: string): Split {
  const unknown = Object.keys(split).filter((v) => !versions.includes(v));
  if (unknown.length > 0) {
    throw new RouterError(
      `the split names ${unknown.map((v) => `"${v}"`).join(', ')}, not configured for service ${serviceName}; ` +
        `configured versions: ${versions.join(', ')}`,
    );
  }
  const full: Split = {};
  for (const v of versions) {
    const w = split[v] ?? 0;
    if (!Number.isInteger(w) || w < 0 || w > 100)
      throw new RouterError(`the split gives ${v} ${w}%; each share must be a whole percent from 0 to 100`);
    full[v] = w;
  }
  const sum = Object.values(full).reduce((a, b) => a + b, 0);
  if (sum !== 100) throw new RouterError(`the split ${describeSplit(split)} adds up to ${sum}%, not 100%`);
  return full;
}

/**
 * Whole shares of `total` in proportion to `weights` (largest remainder, ties to the earlier key),
 * so they add up to exactly `total`. All-zero weights give all zeros.
 */
export function apportion(weights: Record<string, number>, total: number): Record<string, number> {
  const keys = Object.keys(weights);
  const sum = keys.reduce((a, k) => a + (weights[k] ?? 0), 0);
  const out: Record<string, number> = Object.fromEntries(keys.map((k) => [k, 0]));
  if (sum <= 0) return out;
  const exact = keys.map((k) => ({ k, x: ((weights[k] ?? 0) * total) / sum }));
  for (const e of exact) out[e.k] = Math.floor(e.x);
  let left = total - keys.reduce((a, k) => a + (out[k] ?? 0), 0);
  const byRemainder = [...exact].sort((a, b) => b.x - Math.floor(b.x) - (a.x - Math.floor(a.x)));
  for (const e of byRemainder) {
    if (left <= 0) break;
    out[e.k] = (out[e.k] ?? 0) + 1;
    left--;
  }
  return out;
}

/** Percents from proportional weights; zero total weight means no version gets traffic. */
export function toPercent(weights: Record<string, number>, what: string): Split {
  if (Object.values(weights).reduce((a, b) => a + b, 0) <= 0)
    throw new RouterError(`${what} sends no traffic to any configured version (all weights are 0)`);
  return apportion(weights, 100);
}
