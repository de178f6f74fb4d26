import type { SlaState } from './sla-clock.js';

/**
 * Each SLA state as a condition on a clock aliased `c` at the parameter `:slaNow`: the same reading
 * as clockState, for lists filtered by the state of a clock (requests, follow-ups).
 */
export const SLA_STATE_SQL: Record<SlaState, string> = {
  met: 'c.stopped_at IS NOT NULL AND c.overdue_at IS NULL AND c.stopped_at <= c.due_at',
  breached: 'c.stopped_at IS NOT NULL AND (c.overdue_at IS NOT NULL OR c.stopped_at > c.due_at)',
  paused: 'c.stopped_at IS NULL AND c.paused_at IS NOT NULL',
  overdue: 'c.stopped_at IS NULL AND c.paused_at IS NULL AND (c.overdue_at IS NOT NULL OR :slaNow >= c.due_at)',
  warning:
    'c.stopped_at IS NULL AND c.paused_at IS NULL AND c.overdue_at IS NULL AND :slaNow < c.due_at AND (c.warned_at IS NOT NULL OR :slaNow >= c.warn_at)',
  running:
    'c.stopped_at IS NULL AND c.paused_at IS NULL AND c.overdue_at IS NULL AND c.warned_at IS NULL AND :slaNow < c.warn_at AND :slaNow < c.due_at',
};
