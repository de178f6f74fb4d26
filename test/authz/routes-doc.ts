import { type Caller, isPerson, roleOf, type RouteRule, SIGNED_IN, type Tenancy } from './matrix.js';

export const TABLE_START = '<!-- routes:start (the table is checked against test/authz/matrix.ts) -->';
export const TABLE_END = '<!-- routes:end -->';

/** The words of the table's cells; docs/routes.md explains them. */
const TENANCY: Record<Tenancy, string> = {
  company: 'own company',
  hall: 'own hall',
  'hall-or-all': 'own hall or all',
  department: 'own department',
  'department-step': "own department's steps",
  all: 'all',
  none: 'none',
};

function cell(rule: RouteRule, caller: Caller): string {
  if (rule.access === 'public') return 'public';
  if (caller === 'anonymous') return '401';
  if (rule.access === 'signed-in' ? !isPerson(caller) : !rule.access.includes(roleOf(caller))) return '403';
  if (rule.self) return 'self';
  return rule.scope ? TENANCY[rule.scope[caller]] : 'yes';
}

/** The matrix as the markdown table of docs/routes.md, one row per route in the matrix's order. */
export function routesTable(matrix: Readonly<Record<string, RouteRule>>): string {
  const callers: Caller[] = ['anonymous', ...SIGNED_IN];
  const header = (caller: Caller) => (caller === 'deptManager' ? 'dept manager' : caller);
  const rows = Object.entries(matrix).map(
    ([route, rule]) =>
      `| \`${route}\` | ${callers.map((caller) => cell(rule, caller)).join(' | ')} | ${rule.success} |`,
  );
  return [
    `| Route | ${callers.map(header).join(' | ')} | Success |`,
    `| --- | ${callers.map(() => '---').join(' | ')} | --- |`,
    ...rows,
  ].join('\n');
}

/**
 * The cells of the table between the markers of a markdown page, row by row (the separator row
 * left out, so prettier's padding does not matter); null when the markers are missing.
 */
export function tableCells(markdown: string): string[][] | null {
  const start = markdown.indexOf(TABLE_START);
  const end = markdown.indexOf(TABLE_END);
  if (start < 0 || end < start) return null;
  return cells(markdown.slice(start + TABLE_START.length, end));
}

/** A markdown table's cells, row by row, without its separator row. */
export function cells(table: string): string[][] {
  return table
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('|') && !/^\|[\s:|-]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
}
