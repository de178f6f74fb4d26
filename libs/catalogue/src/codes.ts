import { encodeCursor, validationFailed } from '#common';

/** Codes of departments, halls, matters, materials, items and calendars: short, upper-case, URL-safe. */
export const CODE_PATTERN = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;
export const CODE_RULE = '1-32 capital letters, digits, hyphens or underscores, starting with a letter or digit';

/** Calendars are named in lower case by docs/design.md (`zone`, `always`); either case is accepted. */
export const CALENDAR_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
export const CALENDAR_CODE_RULE = '1-32 letters, digits, hyphens or underscores, starting with a letter or digit';

/** Step keys appear in URLs (`/requests/{id}/steps/{key}/approve`), so they are URL-safe too. */
export const STEP_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
export const STEP_KEY_RULE = '1-32 letters, digits, hyphens or underscores, starting with a letter or digit';

/** Lists keyed by code page on the last code seen, opaque to clients like every cursor. */
export function encodeCodeCursor(lastCode: string): string {
  return encodeCursor(lastCode);
}

/**
 * The code a cursor carries. Rows written before the code rule (or by the demo seed) may hold any
 * printable code up to the column's 32 characters, so only that is required here.
 */
export function decodeCodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const code = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[\x21-\x7e]{1,32}$/.test(code) || encodeCursor(code) !== cursor) {
    throw validationFailed('cursor is not one this api returned');
  }
  return code;
}
