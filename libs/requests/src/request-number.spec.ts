import { formatRequestNumber, zoneDay } from './request-number.js';

describe('request numbers', () => {
  it('counts the day in Asia/Shanghai: 16:00 UTC is already the next day there', () => {
    expect(zoneDay(new Date('2026-11-26T15:59:59.999Z'))).toBe('20261126');
    expect(zoneDay(new Date('2026-11-26T16:00:00.000Z'))).toBe('20261127');
  });

  it('is GX, the day and six digits', () => {
    expect(formatRequestNumber('20261126', 123)).toBe('GX20261126000123');
    expect(formatRequestNumber('20261126', 999_999)).toBe('GX20261126999999');
  });

  it('refuses a sequence that would not fit six digits', () => {
    expect(() => formatRequestNumber('20261126', 1_000_000)).toThrow(/outside/);
    expect(() => formatRequestNumber('20261126', 0)).toThrow(/outside/);
  });
});
