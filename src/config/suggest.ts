/**
 * "Did you mean …?" for a misspelt key, option or command: the closest allowed word by edit
 * distance (insertions, deletions, substitutions and swapped neighbours each count 1, case
 * ignored). Only close words are offered — a suggestion that is far off is worse than none, so the
 * allowed distance grows slowly with the word: 1 up to 5 letters, 2 up to 8, 3 beyond.
 */

/** Optimal string alignment distance between two words (case-insensitive). */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  // Three rows are enough: the swap of two neighbours looks two rows back.
  let before: number[] = [];
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        d = Math.min(d, (before[j - 2] as number) + 1);
      row.push(d);
    }
    before = prev;
    prev = row;
  }
  return prev[t.length] as number;
}

function allowedDistance(word: string): number {
  return word.length <= 5 ? 1 : word.length <= 8 ? 2 : 3;
}

/** The allowed word closest to `word`, when one is close enough; the first of equally close ones. */
export function closest(word: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const d = editDistance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // Distance 0 is a difference in case only (`IncidentChannel`), still worth naming.
  if (best === undefined || best === word || bestDistance > allowedDistance(word)) return undefined;
  return best;
}

/** ` (did you mean "incidentChannel"?)`, or nothing. */
export function didYouMean(word: string, allowed: readonly string[]): string {
  const match = closest(word, allowed);
  return match === undefined ? '' : ` (did you mean "${match}"?)`;
}
