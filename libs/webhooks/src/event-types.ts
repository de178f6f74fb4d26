import type { EventType } from '#queue';

/** The events a subscription may receive: those of a request (its steps, clocks, follow-ups and licences). */
export const WEBHOOK_EVENT_TYPES = [
  'request.submitted',
  'request.accepted',
  'request.refused',
  'request.supplement-requested',
  'request.supplied',
  'request.withdrawn',
  'request.denied',
  'request.completed',
  'request.extended',
  'request.intake-overdue',
  'step.activated',
  'step.approved',
  'step.denied',
  'sla.warning',
  'sla.overdue',
  'sla.legal-breach',
  'follow-up.opened',
  'follow-up.verified',
  'follow-up.rectified',
  'follow-up.closed',
  'licence.revoked',
] as const satisfies readonly EventType[];
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

const FAMILIES = [...new Set(WEBHOOK_EVENT_TYPES.map((t) => t.split('.')[0]))];

export const isWebhookEventType = (type: string): type is WebhookEventType =>
  (WEBHOOK_EVENT_TYPES as readonly string[]).includes(type);

/** Whether a subscription's pattern (`*`, `step.*` or an exact type) is one we know. */
export function isKnownPattern(pattern: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return FAMILIES.includes(pattern.slice(0, -2));
  return isWebhookEventType(pattern);
}

export function matchesPatterns(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}

export const WEBHOOK_EVENT_FAMILIES = FAMILIES;
