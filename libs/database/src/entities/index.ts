import { AuditChainHead } from './audit-chain.entity.js';
import { AuditEvent } from './audit-event.entity.js';
import { CalendarDayRow, CalendarRow } from './calendar.entity.js';
import { Company } from './company.entity.js';
import { Department } from './department.entity.js';
import { Hall } from './hall.entity.js';
import { ItemVersion } from './item-version.entity.js';
import { Licence } from './licence.entity.js';
import { Matter } from './matter.entity.js';
import { Notification } from './notification.entity.js';
import { OutboxEvent } from './outbox-event.entity.js';
import { RequestStep } from './request-step.entity.js';
import { ServiceAccount } from './service-account.entity.js';
import { ServiceRequest } from './service-request.entity.js';
import { ServiceItem } from './service-item.entity.js';
import { RequestFile, StoredFile } from './stored-file.entity.js';
import { User } from './user.entity.js';
import { WebhookAttempt, WebhookDelivery, WebhookSubscription } from './webhook.entity.js';

export * from './audit-chain.entity.js';
export * from './audit-event.entity.js';
export * from './calendar.entity.js';
export * from './company.entity.js';
export * from './department.entity.js';
export * from './hall.entity.js';
export * from './item-version.entity.js';
export * from './licence.entity.js';
export * from './matter.entity.js';
export * from './notification.entity.js';
export * from './outbox-event.entity.js';
export * from './request-step.entity.js';
export * from './service-account.entity.js';
export * from './service-request.entity.js';
export * from './service-item.entity.js';
export * from './stored-file.entity.js';
export * from './user.entity.js';
export * from './webhook.entity.js';
export * from './json.js';

export const ENTITIES = [
  User,
  Department,
  Hall,
  Company,
  Matter,
  ServiceItem,
  ItemVersion,
  AuditEvent,
  AuditChainHead,
  OutboxEvent,
  Notification,
  ServiceRequest,
  RequestStep,
  CalendarRow,
  CalendarDayRow,
  StoredFile,
  RequestFile,
  Licence,
  WebhookSubscription,
  WebhookDelivery,
  WebhookAttempt,
  ServiceAccount,
];
