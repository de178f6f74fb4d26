import type { AuditWriter } from '#audit';
import { insertOrConflict, type Page, pageLimit } from '#common';
import type { Actor } from '#identity';
import type { DataSource, EntityManager, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { decodeCodeCursor, encodeCodeCursor } from './codes.js';

/** One page of a list ordered by a code column, the cursor being the last code of the page. */
export async function pageByCode<E extends ObjectLiteral, V>(
  query: SelectQueryBuilder<E>,
  options: { column: string; codeOf: (row: E) => string; limit: number; cursor?: string },
  view: (row: E) => V,
): Promise<Page<V>> {
  const limit = pageLimit(options.limit);
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

/** One page of a whole table whose primary key is `code` (departments, halls, matters), in code order. */
export function pageOfTable<E extends { code: string }, V>(
  dataSource: DataSource,
  table: EntityTarget<E>,
  view: (row: E) => V,
  limit: number,
  cursor?: string,
): Promise<Page<V>> {
  return pageByCode(
    dataSource.getRepository(table).createQueryBuilder('t'),
    { column: 't.code', codeOf: (row) => row.code, limit, cursor },
    view,
  );
}

/**
 * Inserts a new entry known by its `code` (a code already taken is a 409 naming it) and records
 * `<subjectType>.created` with its view, in the caller's transaction; returns the view.
 */
export async function insertByCode<E extends { code: string }, V extends object>(
  manager: EntityManager,
  audit: AuditWriter,
  actor: Actor | null,
  subjectType: string,
  table: EntityTarget<E>,
  row: E,
  view: (row: E) => V,
): Promise<V> {
  await insertOrConflict(manager.insert<ObjectLiteral>(table, row), `${subjectType} ${row.code}`);
  const answer = view(row);
  await audit.created(manager, subjectType, row.code, actor, answer);
  return answer;
}
