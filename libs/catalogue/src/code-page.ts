import { MAX_PAGE_LIMIT, type Page } from '#common';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { decodeCodeCursor, encodeCodeCursor } from './codes.js';

/** One page of a list ordered by a code column, the cursor being the last code of the page. */
export async function pageByCode<E extends ObjectLiteral, V>(
  query: SelectQueryBuilder<E>,
  options: { column: string; codeOf: (row: E) => string; limit: number; cursor?: string },
  view: (row: E) => V,
): Promise<Page<V>> {
  const limit = Math.min(Math.max(Math.trunc(options.limit) || 1, 1), MAX_PAGE_LIMIT);
  const after = decodeCodeCursor(options.cursor);
  if (after !== undefined) query.andWhere(`${options.column} > :after`, { after });
  const rows = await query
    .orderBy(options.column, 'ASC')
    .limit(limit + 1)
    .getMany();
  const page = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? encodeCodeCursor(options.codeOf(page[page.length - 1])) : null;
  return { items: page.map(view), nextCursor };
}
