import {
  isValidUscc,
  normaliseUscc,
  USCC_ALPHABET,
  USCC_WEIGHTS,
  usccCheckCharacter,
  usccProblem,
  usccProblemMessage,
} from './uscc.js';

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

  it('wraps a remainder of 0 to check character 0 and a remainder of 1 to Y (C18 = 31 - MOD(sum, 31))', () => {
    expect(usccCheckCharacter('91320594MA1XK7012')).toBe('0');
    expect(usccCheckCharacter('91320594MA1XK7002')).toBe('Y');
  });

  /*
   * The brief says the worked example in the standard's appendix prints a wrong check character.
   * That could not be established: the text of GB 32100-2015 was not available here, and no
   * source found says its example is wrong. What the sources found show:
   * - 91350100M000100Y43 is the example code that the English Wikipedia article "Unified Social
   *   Credit Identifier" gives for the GB 32100-2015 format, and the code checker libraries copy.
   *   Computed here, it is consistent: its check character is 3 (below), and its subject
   *   identification code M000100Y4 also carries the right GB 11714 check digit
   *   (11 - (M·3 + 1·5 + Y·2 = 22·3 + 5 + 34·2 = 139) mod 11 = 11 - 7 = 4).
   * - The walk-through copied on many sites as "统一社会信用代码唯一性校验规则" (e.g. renrendoc.com
   *   p-47802332, wddqw.com, yc00.com; third-party documents, not the standard) checks
   *   91350100M000100Y4Z: weighted sum 1640, 1640 mod 31 = 28, 31 - 28 = 3, so Z is refused and 3
   *   is expected. Its arithmetic is right; only its step 7 misprints the value 3 as "18".
   * These tests pin those computed values, so whichever way the printed appendix reads, this
   * code follows the standard's formula rather than a printed example.
   */
  it('agrees with the worked example 91350100M000100Y43 step by step: sum 1640, remainder 28, check 3', () => {
    const first17 = '91350100M000100Y4';
    const products = [...first17].map((ch, i) => USCC_ALPHABET.indexOf(ch) * USCC_WEIGHTS[i]);
    expect(products).toEqual([9, 3, 27, 135, 0, 26, 0, 0, 420, 0, 0, 0, 8, 0, 0, 900, 112]);
    const sum = products.reduce((a, b) => a + b, 0);
    expect(sum).toBe(1640);
    expect(sum % 31).toBe(28);
    expect(usccCheckCharacter(first17)).toBe('3');
    expect(isValidUscc('91350100M000100Y43')).toBe(true);
  });

  it("refuses the walk-through's 91350100M000100Y4Z (Z is outside the alphabet) and expects 3 there", () => {
    expect(usccProblem('91350100M000100Y4Z')).toBe('alphabet');
    expect(usccProblemMessage('91350100M000100Y4Y')).toBe(
      'uscc check character (the 18th) is Y, but GB 32100-2015 expects 3 after 91350100M000100Y4',
    );
  });

  it('says in words what is wrong and, for a check character, which one was expected', () => {
    expect(usccProblemMessage('91320594MA1XK7T2QQ')).toBeNull();
    expect(usccProblemMessage('91320594MA1XK7T2Q')).toBe(
      'uscc must be 18 characters (spaces and hyphens aside); got 17',
    );
    expect(usccProblemMessage('91320594MA1XK7T2QI')).toBe(
      'uscc character 18 (I) is outside the GB 32100-2015 alphabet: digits and capital letters except I, O, S, V and Z',
    );
    expect(usccProblemMessage('9132O594MA1XK7T2QQ')).toMatch(/^uscc character 5 \(O\) is outside/);
    expect(usccProblemMessage('91320594MA1XK7T2QR')).toBe(
      'uscc check character (the 18th) is R, but GB 32100-2015 expects Q after 91320594MA1XK7T2Q',
    );
  });
});
