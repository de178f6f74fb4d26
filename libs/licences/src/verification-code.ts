import { randomInt } from 'node:crypto';

/** Letters and digits a person reads off paper without confusing them (no 0/O, 1/I/L, 2/Z, 5/S, 8/B). */
const ALPHABET = '34679ACDEFGHJKMNPQRTUVWXY';
export const VERIFICATION_CODE_LENGTH = 16;

/** A new verification code: 16 characters of ALPHABET, about 74 bits, from the system's CSPRNG. */
export function newVerificationCode(): string {
  let code = '';
  for (let i = 0; i < VERIFICATION_CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** A code as a person may type it (lower case, grouped with spaces or hyphens) in its stored form; null when it cannot be one. */
export function normaliseVerificationCode(input: string): string | null {
  const code = input.replace(/[\s-]/g, '').toUpperCase();
  if (code.length !== VERIFICATION_CODE_LENGTH) return null;
  return [...code].every((c) => ALPHABET.includes(c)) ? code : null;
}
