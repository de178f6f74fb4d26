import { validationFailed } from './domain-error.js';

export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A page's size as asked (`?limit=`), whole and within 1 to MAX_PAGE_LIMIT; the default when not asked. */
export const pageLimit = (limit?: number): number =>
  Math.min(Math.max(Math.trunc(limit ?? DEFAULT_PAGE_LIMIT) || 1, 1), MAX_PAGE_LIMIT);

/** Cursors are opaque to clients: the last id seen, base64url-encoded. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[1-9]\d{0,19}$/.test(id)) throw validationFailed('cursor is not one this api returned');
  return id;
}
