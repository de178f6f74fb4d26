/** The dimension a turnaround report groups by (docs/design.md, Reports). */
export const TURNAROUND_GROUPS = ['item', 'department', 'hall', 'step', 'approver', 'hallLevel'] as const;
export type TurnaroundGroup = (typeof TURNAROUND_GROUPS)[number];
/** The dimensions the facts and rollups keep; `hallLevel` (centre, branch, point of 1+5+N) merges the halls'. */
export type RollupDimension = Exclude<TurnaroundGroup, 'hallLevel'>;

export const THROUGHPUT_INTERVALS = ['day', 'week'] as const;
export type ThroughputInterval = (typeof THROUGHPUT_INTERVALS)[number];

/**
 * Where a report was read and how fresh that is (README.md, Read replicas): `primary` (no replicas
 * configured), `replica`, or `primary-fallback` (replicas configured, none could be read).
 */
export const REPORT_SOURCES = ['primary', 'replica', 'primary-fallback'] as const;
export type ReportSource = (typeof REPORT_SOURCES)[number];

export interface ReportFreshness {
  source: ReportSource;
  /**
   * Every change committed on the primary up to this instant is in the report; later ones may not
   * be. On the primary: when it was read. On a replica: the primary's last heartbeat it had applied
   * (stamped every second, so up to a second old on a replica that keeps up).
   */
  asOf: string;
  /** How far behind the primary the replica read was, in seconds (tenths); 0 on the primary. */
  lagSeconds: number;
}

/** A report's answer with where it was read and how fresh that is. */
export type Fresh<T> = T & { freshness: ReportFreshness };

/** A period of zone dates, both ends included, and the optional filters. */
export interface ReportFilters {
  from: string;
  to: string;
  hallCode?: string;
  departmentCode?: string;
  itemCode?: string;
}

export interface TurnaroundRow {
  key: string | null;
  completed: number;
  onTime: number;
  onTimeRate: number | null;
  /**
   * Against the law (法定时限), counted apart from the promise: those that ended within their legal
   * limit, those past it, and the share within it of those that had one (null when none had).
   * A request meets the law when each of its steps with a legal limit did.
   */
  legalOnTime: number;
  legalBreached: number;
  legalOnTimeRate: number | null;
  meanWorkingHours: number | null;
  medianWorkingHours: number | null;
  p90WorkingHours: number | null;
  /** Natural time from acceptance (or a step's activation) to the end, in days. */
  meanElapsedDays: number | null;
}

export interface TurnaroundReport {
  from: string;
  to: string;
  groupBy: TurnaroundGroup;
  filters: Omit<ReportFilters, 'from' | 'to'>;
  rows: TurnaroundRow[];
}

export const AGE_BUCKETS = ['under1d', '1to3d', '3to7d', '7to15d', 'over15d'] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

export interface BacklogReport {
  asOf: string;
  filters: Omit<ReportFilters, 'from' | 'to'>;
  rows: ({ status: string; total: number } & Record<AgeBucket, number>)[];
}

export interface OverdueItem {
  requestId: string;
  number: string;
  itemCode: string;
  hallCode: string | null;
  clock: string;
  stepKey: string | null;
  /** Who holds the clock: the department of a step, else the hall (its clerks, or its managers for a follow-up). */
  holder: { kind: 'department' | 'hall'; code: string | null };
  dueAt: string;
  overdueWorkingMinutes: number;
}

export interface OverdueReport {
  asOf: string;
  filters: Omit<ReportFilters, 'from' | 'to'>;
  /** Every clock past due now; `items` holds the oldest `limit` of them. */
  total: number;
  items: OverdueItem[];
  truncated: boolean;
}

export interface ThroughputRow {
  period: string;
  submitted: number;
  accepted: number;
  completed: number;
  denied: number;
  refused: number;
  withdrawn: number;
}

export interface ThroughputReport {
  from: string;
  to: string;
  interval: ThroughputInterval;
  filters: Omit<ReportFilters, 'from' | 'to'>;
  rows: ThroughputRow[];
}

/** Any report as a table: what CSV and XLSX are written from. */
export interface ReportTable {
  title: string;
  columns: { key: string; label: string; type: 'string' | 'number' | 'percent' | 'datetime' }[];
  rows: readonly object[];
}

export const SATISFACTION_GROUPS = ['hall', 'item'] as const;
export type SatisfactionGroup = (typeof SATISFACTION_GROUPS)[number];

export interface SatisfactionRow {
  /** The hall or item; null for the row of the whole period. */
  key: string | null;
  evaluations: number;
  score1: number;
  score2: number;
  score3: number;
  score4: number;
  score5: number;
  meanScore: number | null;
  /** Scores of 1 or 2 (差评). */
  badReviews: number;
  badReviewRate: number | null;
  /** Follow-ups (整改) opened in the period, how many closed, closed in time, and open past due now. */
  followUpsOpened: number;
  followUpsClosed: number;
  followUpsClosedOnTime: number;
  followUpOnTimeRate: number | null;
  followUpsOverdue: number;
}

export interface SatisfactionReport {
  from: string;
  to: string;
  groupBy: SatisfactionGroup;
  filters: Omit<ReportFilters, 'from' | 'to'>;
  total: SatisfactionRow;
  rows: SatisfactionRow[];
}
