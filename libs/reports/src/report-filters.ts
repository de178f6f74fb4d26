import type { ReportFilters } from './reports.types.js';

/** The conditions of a query's WHERE, ANDed, and their parameters in order. */
export interface Where {
  sql: string[];
  params: unknown[];
}

/** Adds one condition with its one parameter. */
export function addWhere(where: Where, sql: string, param: unknown): void {
  where.sql.push(sql);
  where.params.push(param);
}

/** Hall, item and department filters on a table of requests (or their facts) aliased `alias`. */
export function requestWhere(f: ReportFilters, alias: string): Where {
  const where: Where = { sql: [], params: [] };
  const id = alias === 'r' ? 'r.id' : `${alias}.request_id`;
  if (f.hallCode) addWhere(where, `${alias}.hall_code = ?`, f.hallCode);
  if (f.itemCode) addWhere(where, `${alias}.item_code = ?`, f.itemCode);
  if (f.departmentCode) {
    addWhere(
      where,
      `EXISTS (SELECT 1 FROM request_steps ds WHERE ds.request_id = ${id} AND ds.department_code = ?)`,
      f.departmentCode,
    );
  }
  return where;
}

/** The filters a report answers with: those set, without the period. */
export function filterView(f: ReportFilters): Omit<ReportFilters, 'from' | 'to'> {
  return {
    ...(f.hallCode ? { hallCode: f.hallCode } : {}),
    ...(f.departmentCode ? { departmentCode: f.departmentCode } : {}),
    ...(f.itemCode ? { itemCode: f.itemCode } : {}),
  };
}
