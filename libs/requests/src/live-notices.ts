import { formatInstant } from '#common';
import type { RequestStep, ServiceRequest } from '#database';
import type { LiveMessage } from '#live';
import type { OutboxEntry } from '#queue';

/**
 * The live notices of a committed change (libs/live): one per outbox event of the request, each with
 * the request's scope (company, hall, departments of its steps) so every api process can tell which
 * of its subscribers may read the request without asking the database.
 */
export function liveMessagesOf(
  request: Pick<ServiceRequest, 'id' | 'companyUscc' | 'hallCode'>,
  steps: readonly Pick<RequestStep, 'departmentCode'>[],
  events: readonly OutboxEntry[],
  at: Date,
): LiveMessage[] {
  const scope = {
    companyUscc: request.companyUscc,
    hallCode: request.hallCode,
    departments: [...new Set(steps.map((s) => s.departmentCode))],
  };
  return events.flatMap((event) => {
    const data = event.data as { requestId?: unknown; stepKey?: unknown };
    if (data.requestId !== String(request.id)) return [];
    const stepKey = typeof data.stepKey === 'string' ? { stepKey: data.stepKey } : {};
    return [{ type: event.type, requestId: String(request.id), ...stepKey, at: formatInstant(at), scope }];
  });
}
