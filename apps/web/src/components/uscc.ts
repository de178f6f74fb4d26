/**
 * 统一社会信用代码 (GB 32100-2015), checked as a clerk types: the same rule as the api's
 * (libs/companies/src/uscc.ts): 18 characters of a 31-character alphabet, the last a check
 * character over the first 17 with weights 3^i mod 31.
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export const normaliseUscc = (input: string) => input.replace(/[\s\u3000-]/g, '').toUpperCase();

export function usccCheck(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = ALPHABET.indexOf(first17[i]);
    if (value < 0) return null;
    sum += value * WEIGHTS[i];
  }
  return ALPHABET[(31 - (sum % 31)) % 31];
}

export type UsccProblem = 'format' | 'check' | null;

export function usccProblem(code: string): UsccProblem {
  if (code.length !== 18 || [...code].some((c) => !ALPHABET.includes(c))) return 'format';
  return usccCheck(code.slice(0, 17)) === code[17] ? null : 'check';
}
