import { decodeCursor, encodeCursor } from './pagination.js';
import { formatInstant } from './instant.js';

describe('formatInstant', () => {
  it('shows a UTC instant at the zone offset', () => {
    expect(formatInstant(new Date('2026-11-26T16:30:00.000Z'))).toBe('2026-11-27T00:30:00.000+08:00');
    expect(formatInstant(new Date('2026-01-01T00:00:00.123Z'))).toBe('2026-01-01T08:00:00.123+08:00');
  });

  it('round-trips through Date', () => {
    const instant = new Date('2026-06-30T23:59:59.999Z');
    expect(new Date(formatInstant(instant)).getTime()).toBe(instant.getTime());
  });
});

describe('cursors', () => {
  it('round-trip an id', () => {
    expect(decodeCursor(encodeCursor('12345'))).toBe('12345');
  });

  it('refuse a cursor this api did not make', () => {
    expect(() => decodeCursor('not-a-cursor')).toThrow('cursor is not one this api returned');
    expect(() => decodeCursor(Buffer.from("1' OR 1=1").toString('base64url'))).toThrow('cursor');
  });
});
