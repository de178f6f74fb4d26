import { encodeCursor } from '#common';
import { CODE_PATTERN, decodeCodeCursor, encodeCodeCursor, STEP_KEY_PATTERN } from './codes.js';

describe('codes', () => {
  it.each(['SAMR', 'BIZ-LICENCE', 'A', '0_9', 'A'.repeat(32)])('accepts code %s', (code) => {
    expect(CODE_PATTERN.test(code)).toBe(true);
  });

  it.each(['', 'samr', '-A', '_A', 'A B', 'A'.repeat(33), 'ÄMT', 'A/B'])('refuses code %j', (code) => {
    expect(CODE_PATTERN.test(code)).toBe(false);
  });

  it('allows lower case in step keys, which stay URL-safe', () => {
    expect(STEP_KEY_PATTERN.test('licence')).toBe(true);
    expect(STEP_KEY_PATTERN.test('seal_2')).toBe(true);
    expect(STEP_KEY_PATTERN.test('a/b')).toBe(false);
    expect(STEP_KEY_PATTERN.test('a'.repeat(33))).toBe(false);
  });
});

describe('code cursors', () => {
  it('round-trip a code', () => {
    expect(decodeCodeCursor(encodeCodeCursor('BIZ-LICENCE'))).toBe('BIZ-LICENCE');
    expect(decodeCodeCursor(undefined)).toBeUndefined();
  });

  it('refuse a cursor this api did not make', () => {
    expect(() => decodeCodeCursor('!!!')).toThrow('cursor is not one this api returned');
    expect(() => decodeCodeCursor(encodeCursor('x'.repeat(40)))).toThrow('cursor');
    expect(() => decodeCodeCursor(encodeCursor('a\nb'))).toThrow('cursor');
  });
});
