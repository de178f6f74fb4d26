/**
 * Live updates (docs/api.md, "Live updates"): a small notice that a request changed, for a client to
 * fetch again what it shows. It carries ids and a type only; what a subscriber may read is decided
 * by the request's scope, which travels with the notice between api processes and is never sent to
 * a client.
 */
export interface LiveNotice {
  /** The domain event's type, as the outbox and the webhooks name it (`request.accepted`, `step.approved`…). */
  type: string;
  requestId: string;
  stepKey?: string;
  /** When the change (or, from the relay, its event) was recorded: ISO 8601 in +08:00. */
  at: string;
}

/** Who may read the request the notice is about: its company, its hall (null: no hall took it yet), the departments of its steps. */
export interface LiveScope {
  companyUscc: string;
  hallCode: string | null;
  departments: string[];
}

/** A notice and the scope of its request, as published on the live channel. */
export interface LiveMessage extends LiveNotice {
  scope: LiveScope;
}

const isString = (value: unknown): value is string => typeof value === 'string';

/** A message read from the channel, or null when it is not one (another publisher, an older shape). */
export function parseLiveMessage(text: string): LiveMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const m = value as Partial<LiveMessage> | null;
  const scope = m?.scope as Partial<LiveScope> | undefined;
  if (
    !m ||
    !isString(m.type) ||
    !isString(m.requestId) ||
    !isString(m.at) ||
    (m.stepKey !== undefined && !isString(m.stepKey)) ||
    !scope ||
    !isString(scope.companyUscc) ||
    !(scope.hallCode === null || isString(scope.hallCode)) ||
    !Array.isArray(scope.departments) ||
    !scope.departments.every(isString)
  ) {
    return null;
  }
  return {
    type: m.type,
    requestId: m.requestId,
    ...(m.stepKey !== undefined ? { stepKey: m.stepKey } : {}),
    at: m.at,
    scope: { companyUscc: scope.companyUscc, hallCode: scope.hallCode, departments: scope.departments },
  };
}

/** The notice a client is sent: the scope stays on the server. */
export const noticeOf = ({ type, requestId, stepKey, at }: LiveMessage): LiveNotice =>
  stepKey === undefined ? { type, requestId, at } : { type, requestId, stepKey, at };
