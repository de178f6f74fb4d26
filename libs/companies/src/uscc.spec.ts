import { isValidUscc, normaliseUscc, USCC_ALPHABET, usccCheckCharacter, usccProblem } from './uscc.js';

describe('USCC (GB 32100-2015)', () => {
  it('uses the 31 characters of the standard: digits and capitals without I, O, S, V, Z', () => {
    expect(USCC_ALPHABET).toHaveLength(31);
    for (const excluded of 'IOSVZ') expect(USCC_ALPHABET).not.toContain(excluded);
  });

  it.each(['91350100M000100Y43', '91320594MA1XK7T2QQ', '91320594MA27UB8N3E'])('accepts %s', (code) => {
    expect(isValidUscc(code)).toBe(true);
  });

  it('computes the check character from the 17 before it', () => {
    expect(usccCheckCharacter('91350100M000100Y4')).toBe('3');
    expect(usccCheckCharacter('91320594MA1XK7T2Q')).toBe('Q');
  });

  it('normalises case, spaces and hyphens', () => {
    expect(normaliseUscc(' 9132-0594 ma1x k7t2qq ')).toBe('91320594MA1XK7T2QQ');
    expect(isValidUscc('91320594-ma1xk7t2qq')).toBe(true);
  });

  it('says what is wrong', () => {
    expect(usccProblem('91320594MA1XK7T2Q')).toBe('length');
    expect(usccProblem('91320594MA1XK7T2QI')).toBe('alphabet');
    expect(usccProblem('91320594MA1XK7T2QR')).toBe('checkCharacter');
  });
});
