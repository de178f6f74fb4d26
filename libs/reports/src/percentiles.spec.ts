import { nearestRank } from './percentiles.js';

const values = (...xs: number[]) => xs.map((value) => ({ value, count: 1 }));

describe('nearest-rank percentiles', () => {
  it('takes the smallest value with at least p of the observations at or below it', () => {
    expect(nearestRank(values(1, 2, 3, 4), 0.5)).toBe(2);
    expect(nearestRank(values(1, 2, 3, 4, 5), 0.5)).toBe(3);
    expect(nearestRank(values(15, 20, 35, 40, 50), 0.9)).toBe(50);
    expect(nearestRank(values(15, 20, 35, 40, 50), 0.4)).toBe(20);
    expect(nearestRank(values(7), 0.9)).toBe(7);
  });

  it('reads counts as repeated values, in any order', () => {
    const counted = [
      { value: 30, count: 2 },
      { value: 10, count: 3 },
      { value: 20, count: 5 },
    ];
    const expanded = values(10, 10, 10, 20, 20, 20, 20, 20, 30, 30);
    for (const p of [0.1, 0.3, 0.31, 0.5, 0.8, 0.81, 0.9, 1]) {
      expect(nearestRank(counted, p)).toBe(nearestRank(expanded, p));
    }
    expect(nearestRank(counted, 0.8)).toBe(20);
    expect(nearestRank(counted, 0.81)).toBe(30);
  });

  it('has no percentile of nothing', () => {
    expect(nearestRank([], 0.5)).toBeNull();
  });
});
