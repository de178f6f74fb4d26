import {
  AGE_BUCKETS,
  type BacklogReport,
  type OverdueReport,
  type ReportTable,
  type SatisfactionReport,
  type ThroughputReport,
  type TurnaroundReport,
} from './reports.types.js';

const AGE_LABELS: Record<(typeof AGE_BUCKETS)[number], string> = {
  under1d: '< 1 day',
  '1to3d': '1-3 days',
  '3to7d': '3-7 days',
  '7to15d': '7-15 days',
  over15d: '> 15 days',
};

export function turnaroundTable(r: TurnaroundReport): ReportTable {
  return {
    title: `turnaround by ${r.groupBy} ${r.from} to ${r.to}`,
    columns: [
      { key: 'key', label: r.groupBy, type: 'string' },
      { key: 'completed', label: 'completed', type: 'number' },
      { key: 'onTime', label: 'on time', type: 'number' },
      { key: 'onTimeRate', label: 'on-time rate', type: 'percent' },
      { key: 'legalOnTime', label: 'within legal limit', type: 'number' },
      { key: 'legalBreached', label: 'past legal limit', type: 'number' },
      { key: 'legalOnTimeRate', label: 'within-legal-limit rate', type: 'percent' },
      { key: 'meanWorkingHours', label: 'mean working hours', type: 'number' },
      { key: 'medianWorkingHours', label: 'median working hours', type: 'number' },
      { key: 'p90WorkingHours', label: 'p90 working hours', type: 'number' },
      { key: 'meanElapsedDays', label: 'mean elapsed days', type: 'number' },
    ],
    rows: r.rows,
  };
}

export function backlogTable(r: BacklogReport): ReportTable {
  return {
    title: 'backlog',
    columns: [
      { key: 'status', label: 'status', type: 'string' },
      { key: 'total', label: 'total', type: 'number' },
      ...AGE_BUCKETS.map((b) => ({ key: b, label: AGE_LABELS[b], type: 'number' as const })),
    ],
    rows: r.rows,
  };
}

export function overdueTable(r: OverdueReport): ReportTable {
  return {
    title: 'overdue',
    columns: [
      { key: 'number', label: 'number', type: 'string' },
      { key: 'itemCode', label: 'item', type: 'string' },
      { key: 'hallCode', label: 'hall', type: 'string' },
      { key: 'clock', label: 'clock', type: 'string' },
      { key: 'stepKey', label: 'step', type: 'string' },
      { key: 'holderKind', label: 'held by', type: 'string' },
      { key: 'holderCode', label: 'holder', type: 'string' },
      { key: 'dueAt', label: 'due (UTC+8)', type: 'datetime' },
      { key: 'overdueWorkingMinutes', label: 'overdue working minutes', type: 'number' },
    ],
    rows: r.items.map((i) => ({ ...i, holderKind: i.holder.kind, holderCode: i.holder.code })),
  };
}

export function throughputTable(r: ThroughputReport): ReportTable {
  return {
    title: `throughput per ${r.interval}`,
    columns: [
      { key: 'period', label: r.interval === 'week' ? 'week (Monday)' : 'day', type: 'string' },
      { key: 'submitted', label: 'submitted', type: 'number' },
      { key: 'accepted', label: 'accepted', type: 'number' },
      { key: 'completed', label: 'completed', type: 'number' },
      { key: 'denied', label: 'denied', type: 'number' },
      { key: 'refused', label: 'refused', type: 'number' },
      { key: 'withdrawn', label: 'withdrawn', type: 'number' },
    ],
    rows: r.rows,
  };
}

export function satisfactionTable(r: SatisfactionReport): ReportTable {
  return {
    title: `satisfaction by ${r.groupBy} ${r.from} to ${r.to}`,
    columns: [
      { key: 'key', label: r.groupBy, type: 'string' },
      { key: 'evaluations', label: 'evaluations', type: 'number' },
      ...([1, 2, 3, 4, 5] as const).map((n) => ({ key: `score${n}`, label: `score ${n}`, type: 'number' as const })),
      { key: 'meanScore', label: 'mean score', type: 'number' },
      { key: 'badReviews', label: 'bad reviews (1-2)', type: 'number' },
      { key: 'badReviewRate', label: 'bad-review rate', type: 'percent' },
      { key: 'followUpsOpened', label: 'follow-ups opened', type: 'number' },
      { key: 'followUpsClosed', label: 'follow-ups closed', type: 'number' },
      { key: 'followUpsClosedOnTime', label: 'closed on time', type: 'number' },
      { key: 'followUpOnTimeRate', label: 'follow-up on-time rate', type: 'percent' },
      { key: 'followUpsOverdue', label: 'follow-ups overdue now', type: 'number' },
    ],
    rows: [...r.rows, { ...r.total, key: 'total' }],
  };
}
