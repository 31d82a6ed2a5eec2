/**
 * `BENCH_SMOKE=1 npm run bench`: every benchmark at a twentieth of its size (at least one), so CI
 * proves they still run end to end in seconds. The figures of a smoke run mean nothing; the
 * figures quoted in notes come from a full `npm run bench`.
 */
export const SMOKE = process.env.BENCH_SMOKE === '1';

export function scaled(n: number): number {
  return SMOKE ? Math.max(1, Math.ceil(n / 20)) : n;
}
