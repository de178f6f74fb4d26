import { type Language, LANGUAGES, preferredLanguage } from '#common';
import type { DataSource } from 'typeorm';
import type { ReportTable } from './reports.types.js';

/** The languages of a report download: zh-CN (the default) or English. */
export const REPORT_LANGUAGES = LANGUAGES;
export type ReportLanguage = Language;
export const reportLanguage = preferredLanguage;

/** What a code column names, so its names can stand beside it. */
export type CodeKind = 'item' | 'department' | 'hall';

/** The headers in Chinese (docs/design.md, report fields), by column key. */
const ZH_LABELS: Record<string, string> = {
  item: '一件事编码',
  department: '部门编码',
  hall: '大厅编码',
  hallLevel: '大厅层级（中心、分中心、站点）',
  step: '环节',
  approver: '审批人员',
  completed: '办结数',
  onTime: '按时办结数',
  onTimeRate: '按时办结率',
  legalOnTime: '法定时限内办结数',
  legalBreached: '超法定时限数',
  legalOnTimeRate: '法定时限内办结率',
  meanWorkingHours: '平均用时（工作小时）',
  medianWorkingHours: '用时中位数（工作小时）',
  p90WorkingHours: '90% 用时（工作小时）',
  meanElapsedDays: '平均历时（自然日）',
  status: '状态',
  total: '合计',
  under1d: '不足1天',
  '1to3d': '1-3天',
  '3to7d': '3-7天',
  '7to15d': '7-15天',
  over15d: '超过15天',
  number: '办件编号',
  itemCode: '一件事编码',
  hallCode: '大厅编码',
  clock: '计时类型',
  stepKey: '环节',
  holderKind: '责任方类型',
  holderCode: '责任方编码',
  dueAt: '到期时间（UTC+8）',
  overdueWorkingMinutes: '超期工作分钟',
  day: '日期',
  week: '周（周一起）',
  'week (Monday)': '周（周一起）',
  submitted: '申请',
  accepted: '受理',
  denied: '不予许可',
  refused: '不予受理',
  withdrawn: '撤回',
  evaluations: '评价数',
  score1: '非常不满意（1）',
  score2: '不满意（2）',
  score3: '基本满意（3）',
  score4: '满意（4）',
  score5: '非常满意（5）',
  meanScore: '平均分',
  badReviews: '差评数（1-2）',
  badReviewRate: '差评率',
  followUpsOpened: '整改发起数',
  followUpsClosed: '整改完成数',
  followUpsClosedOnTime: '按时整改数',
  followUpOnTimeRate: '整改按时率',
  followUpsOverdue: '整改超期数（当前）',
};

const ZH_VALUES: Record<string, Record<string, string>> = {
  status: { submitted: '待受理', supplement_required: '待补正', in_progress: '办理中' },
  clock: { intake: '受理计时', request: '办件计时', step: '环节计时', 'follow-up': '整改计时' },
  holderKind: { department: '部门', hall: '大厅' },
};

const NAME_LABELS: Record<CodeKind, [string, string]> = {
  item: ['一件事名称', 'item name'],
  department: ['部门名称', 'department name'],
  hall: ['大厅名称', 'hall name'],
};

export type NameBook = Record<CodeKind, ReadonlyMap<string, string>>;

/** The names of every department, hall and item (its latest version's), to stand beside their codes. */
export async function loadNameBook(dataSource: DataSource): Promise<NameBook> {
  const [departments, halls, items] = await Promise.all([
    dataSource.query('SELECT code, name FROM departments') as Promise<{ code: string; name: string }[]>,
    dataSource.query('SELECT code, name FROM halls') as Promise<{ code: string; name: string }[]>,
    dataSource.query(
      `SELECT v.item_code AS code, v.name FROM item_versions v
        JOIN (SELECT item_code, MAX(version) AS version FROM item_versions GROUP BY item_code) l
          ON l.item_code = v.item_code AND l.version = v.version`,
    ) as Promise<{ code: string; name: string }[]>,
  ]);
  const book = (rows: { code: string; name: string }[]) => new Map(rows.map((r) => [r.code, r.name]));
  return { department: book(departments), hall: book(halls), item: book(items) };
}

/**
 * The table a person downloads in their language: Chinese headers and values (status, clock kinds)
 * with each code's name in a column beside it; in English the headers stay as they are, with the
 * names beside the codes too. `codes` says which columns hold which kind of code.
 */
export function localiseTable(
  table: ReportTable,
  lang: ReportLanguage,
  book: NameBook,
  codes: Record<string, CodeKind | ((row: Record<string, unknown>) => CodeKind | null)>,
): ReportTable {
  const columns: ReportTable['columns'] = [];
  for (const column of table.columns) {
    const zhLabel = ZH_LABELS[column.key] ?? ZH_LABELS[column.label];
    columns.push({ ...column, label: lang === 'zh-CN' && zhLabel ? zhLabel : column.label });
    const kind = codes[column.key];
    if (kind) {
      const named = typeof kind === 'string' ? kind : 'item';
      columns.push({ key: `${column.key}:name`, label: NAME_LABELS[named][lang === 'zh-CN' ? 0 : 1], type: 'string' });
    }
  }
  const rows = table.rows.map((original) => {
    const row: Record<string, unknown> = { ...(original as Record<string, unknown>) };
    for (const [key, kindOf] of Object.entries(codes)) {
      const code = row[key];
      const kind = typeof kindOf === 'string' ? kindOf : kindOf(row);
      row[`${key}:name`] = typeof code === 'string' && kind ? (book[kind].get(code) ?? null) : null;
    }
    if (lang === 'zh-CN') {
      for (const [key, values] of Object.entries(ZH_VALUES)) {
        const value = row[key];
        if (typeof value === 'string' && values[value]) row[key] = values[value];
      }
    }
    return row;
  });
  return { ...table, columns, rows };
}
