import { validationFailed } from '#common';

/**
 * A cursor of a list ordered by an instant and then by ids (tasks by due time, follow-ups by due
 * time): the sort key of the last row seen, as JSON in base64url. Opaque to clients; one the api
 * did not return is a 400.
 */
export function encodeKeysetCursor(at: Date, ...ids: string[]): string {
  return Buffer.from(JSON.stringify([at.getTime(), ...ids])).toString('base64url');
}

/** The sort key in `cursor`, each id checked by its pattern; null for no cursor (the first page). */
export function decodeKeysetCursor(
  cursor: string | undefined,
  idPatterns: readonly RegExp[],
): { at: Date; ids: string[] } | null {
  if (cursor === undefined) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === idPatterns.length + 1 &&
      Number.isSafeInteger(value[0]) &&
      value[0] >= 0 &&
      idPatterns.every((pattern, i) => typeof value[i + 1] === 'string' && pattern.test(value[i + 1] as string))
    ) {
      return { at: new Date(value[0] as number), ids: value.slice(1) as string[] };
    }
  } catch {
    // falls through to the 400 below
  }
  throw validationFailed('cursor is not one this api returned');
}
