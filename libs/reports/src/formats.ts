import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { ReportTable } from './reports.types.js';

export const REPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<Exclude<ReportFormat, 'json'>, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

const cell = (value: unknown): string | number | Date | null => {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string' || value instanceof Date) return value;
  return JSON.stringify(value);
};

/** CSV with a header row, UTF-8 with a byte order mark so Excel shows Chinese as Chinese, CRLF line ends. */
export function toCsv(table: ReportTable): Buffer {
  const text = stringify(
    [
      table.columns.map((c) => c.label),
      ...table.rows.map((row) => table.columns.map((c) => cell((row as Record<string, unknown>)[c.key]))),
    ],
    {
      record_delimiter: '\r\n',
      cast: { date: (d) => d.toISOString() },
    },
  );
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

/** A real workbook: one sheet, a bold frozen header, numbers as numbers, rates as percentages, times as dates. */
export async function toXlsx(table: ReportTable): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'One-thing service desk';
  const sheet = workbook.addWorksheet(table.title.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = table.columns.map((c) => ({
    header: c.label,
    key: c.key,
    width: Math.max(12, c.label.length + 2),
    style:
      c.type === 'percent'
        ? { numFmt: '0.00%' }
        : c.type === 'number'
          ? { numFmt: '0.###' }
          : c.type === 'datetime'
            ? { numFmt: 'yyyy-mm-dd hh:mm' }
            : {},
  }));
  sheet.getRow(1).font = { bold: true };
  for (const row of table.rows) {
    sheet.addRow(
      Object.fromEntries(
        table.columns.map((c) => {
          const v = (row as Record<string, unknown>)[c.key];
          // Excel has no time zones: a time is written as the zone's wall clock (UTC+8), as the column says.
          if (c.type === 'datetime' && typeof v === 'string') return [c.key, new Date(Date.parse(v) + 8 * 3_600_000)];
          return [c.key, cell(v)];
        }),
      ),
    );
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
