/** One value of a distribution and how often it occurs. */
export interface Bucket {
  value: number;
  count: number;
}

/**
 * The nearest-rank percentile of a distribution given as value counts: the smallest value with at
 * least `p` of all observations at or below it (p in (0, 1]). Exact, no interpolation: the
 * median of 1, 2, 3, 4 is 2, and every reported figure is a value some request really had.
 */
export function nearestRank(buckets: readonly Bucket[], p: number): number | null {
  const total = buckets.reduce((n, b) => n + b.count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  const sorted = [...buckets].sort((a, b) => a.value - b.value);
  let seen = 0;
  for (const b of sorted) {
    seen += b.count;
    if (seen >= rank) return b.value;
  }
  return sorted[sorted.length - 1].value;
}

/** Rounds for display: figures are computed exactly and rounded once, here. */
export const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
