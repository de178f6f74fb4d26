import { formatInstant } from '#common';
import type { WebhookAttempt, WebhookDelivery, WebhookSubscription } from '#database';

export interface WebhookSubscriptionView {
  id: string;
  url: string;
  events: string[];
  departmentCode: string | null;
  active: boolean;
  disabledReason: string | null;
  createdAt: string;
  disabledAt: string | null;
}

export interface WebhookAttemptView {
  attemptedAt: string;
  statusCode: number | null;
  latencyMs: number;
  responseExcerpt: string | null;
  error: string | null;
}

export interface WebhookDeliveryView {
  id: string;
  subscriptionId: string;
  messageId: string;
  eventType: string;
  requestId: string;
  status: string;
  attempts: WebhookAttemptView[];
  createdAt: string;
  finishedAt: string | null;
}

export const toSubscriptionView = (row: WebhookSubscription): WebhookSubscriptionView => ({
  id: String(row.id),
  url: row.url,
  events: row.events,
  departmentCode: row.departmentCode,
  active: row.active,
  disabledReason: row.disabledReason,
  createdAt: formatInstant(row.createdAt),
  disabledAt: row.disabledAt ? formatInstant(row.disabledAt) : null,
});

export const toAttemptView = (row: WebhookAttempt): WebhookAttemptView => ({
  attemptedAt: formatInstant(row.attemptedAt),
  statusCode: row.statusCode,
  latencyMs: row.latencyMs,
  responseExcerpt: row.responseExcerpt,
  error: row.error,
});

export const toDeliveryView = (row: WebhookDelivery, attempts: readonly WebhookAttempt[]): WebhookDeliveryView => ({
  id: String(row.id),
  subscriptionId: String(row.subscriptionId),
  messageId: row.messageId,
  eventType: row.eventType,
  requestId: String(row.requestId),
  status: row.status,
  attempts: attempts.map(toAttemptView),
  createdAt: formatInstant(row.createdAt),
  finishedAt: row.finishedAt ? formatInstant(row.finishedAt) : null,
});
