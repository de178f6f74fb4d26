import { assertNever } from '#common';

/**
 * Unified Social Credit Code (统一社会信用代码), GB 32100-2015: 18 characters from a 31-character
 * alphabet (digits and capitals without I, O, S, V, Z); the 18th is a check character computed
 * over the first 17 with weights 3^i mod 31 (the standard's Table 3).
 */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
export const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** Upper-cases and drops spaces and hyphens, as people type codes copied from a licence. */
export function normaliseUscc(input: string): string {
  return input.replace(/[\s\u3000-]/g, '').toUpperCase();
}

/** The check character for the first 17 characters, or null when one of them is outside the alphabet. */
export function usccCheckCharacter(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_ALPHABET.indexOf(first17[i]);
    if (value < 0) return null;
    sum += value * USCC_WEIGHTS[i];
  }
  const check = (31 - (sum % 31)) % 31;
  return USCC_ALPHABET[check];
}

export type UsccProblem = 'length' | 'alphabet' | 'checkCharacter';

/** Why a (normalised) code is not a valid USCC, or null when it is. */
export function usccProblem(code: string): UsccProblem | null {
  if (code.length !== 18) return 'length';
  for (const ch of code) if (!USCC_ALPHABET.includes(ch)) return 'alphabet';
  return usccCheckCharacter(code.slice(0, 17)) === code[17] ? null : 'checkCharacter';
}

export function isValidUscc(input: string): boolean {
  return usccProblem(normaliseUscc(input)) === null;
}

/** What is wrong with a normalised code, said so that a person can fix it; null when it is valid. */
export function usccProblemMessage(code: string): string | null {
  const problem = usccProblem(code);
  switch (problem) {
    case null:
      return null;
    case 'length':
      return `uscc must be 18 characters (spaces and hyphens aside); got ${[...code].length}`;
    case 'alphabet': {
      const characters = [...code];
      const position = characters.findIndex((ch) => !USCC_ALPHABET.includes(ch));
      return (
        `uscc character ${position + 1} (${characters[position]}) is outside the GB 32100-2015 alphabet: ` +
        'digits and capital letters except I, O, S, V and Z'
      );
    }
    case 'checkCharacter':
      return (
        `uscc check character (the 18th) is ${code[17]}, but GB 32100-2015 expects ` +
        `${usccCheckCharacter(code.slice(0, 17))} after ${code.slice(0, 17)}`
      );
    default:
      return assertNever(problem, 'uscc problem');
  }
}
