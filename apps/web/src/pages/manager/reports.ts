/** The reports' JSON as the api answers it (GET /api/v1/reports/*). */
export interface Filters {
  from?: string;
  to?: string;
  hallCode?: string;
  departmentCode?: string;
  itemCode?: string;
}

export interface TurnaroundRow {
  key: string;
  completed: number;
  onTime: number;
  onTimeRate: number | null;
  /** Within the legal limit (法定时限), counted apart from the promise; null rate when none had one. */
  legalOnTime: number;
  legalBreached: number;
  legalOnTimeRate: number | null;
  meanWorkingHours: number | null;
  medianWorkingHours: number | null;
  p90WorkingHours: number | null;
  meanElapsedDays: number | null;
}
/** Where a report was read (the primary, or a read replica) and up to when its data is whole. */
export interface Freshness {
  source: 'primary' | 'replica' | 'primary-fallback';
  asOf: string;
  lagSeconds: number;
}

export interface Turnaround {
  from: string;
  to: string;
  groupBy: string;
  rows: TurnaroundRow[];
  freshness: Freshness;
}

export const AGE_BUCKETS = ['under1d', '1to3d', '3to7d', '7to15d', 'over15d'] as const;
export type BacklogRow = { status: string; total: number } & Record<(typeof AGE_BUCKETS)[number], number>;
export interface Backlog {
  asOf: string;
  rows: BacklogRow[];
}

export const FLOWS = ['submitted', 'accepted', 'completed', 'denied', 'refused', 'withdrawn'] as const;
export type ThroughputRow = { period: string } & Record<(typeof FLOWS)[number], number>;
export interface Throughput {
  interval: string;
  rows: ThroughputRow[];
}

export interface SatisfactionRow {
  key: string | null;
  evaluations: number;
  score1: number;
  score2: number;
  score3: number;
  score4: number;
  score5: number;
  meanScore: number | null;
  badReviews: number;
  badReviewRate: number | null;
  followUpsOpened: number;
  followUpsClosed: number;
  followUpsClosedOnTime: number;
  followUpOnTimeRate: number | null;
  followUpsOverdue: number;
}
export interface Satisfaction {
  total: SatisfactionRow;
  rows: SatisfactionRow[];
}

export interface OverdueItem {
  requestId: string;
  number: string;
  itemCode: string;
  hallCode: string | null;
  clock: string;
  stepKey: string | null;
  holder: { kind: 'department' | 'hall'; code: string | null };
  dueAt: string;
  overdueWorkingMinutes: number;
}
export interface Overdue {
  asOf: string;
  total: number;
  truncated: boolean;
  items: OverdueItem[];
}

export const percent = (rate: number | null | undefined) =>
  rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`;
export const hours = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : value.toFixed(1);
