import { formatInstant } from '#common';
import type { SlaObject } from '#sla';
import type {
  AuditEvent,
  JsonObject,
  PendingSupplement,
  RequestStatus,
  RequestStep,
  ServiceRequest,
  StepStatus,
  SubmittedMaterial,
} from '#database';
import { type EvaluationRecord, type EvaluationView, toEvaluationView } from './evaluation-views.js';

/** The SLA of a request or step (API.md): null when no clock has run for it yet. */
export type SlaView = SlaObject | null;

/** The clocks' views of one request: the request's (its intake clock before acceptance) and each step's. */
export interface RequestSla {
  request: SlaObject | null;
  steps: ReadonlyMap<string, SlaObject>;
  /** The clock of the follow-up (整改) a poor evaluation opened. */
  followUp?: SlaObject | null;
}

const NO_SLA: RequestSla = { request: null, steps: new Map(), followUp: null };

export interface OutputView {
  stepKey: string;
  kind: string;
  name: string;
  number: string;
  issuedAt: string;
  /** The licence (电子证照) the output became. */
  licence: OutputLicence | null;
}

/** 电子证照: what an output became, as the request shows it. */
export interface OutputLicence {
  id: string;
  stepKey: string;
  verificationCode: string;
  validUntil: string | null;
  status: 'valid' | 'revoked' | 'expired';
}

export interface StepView {
  key: string;
  matterCode: string;
  matterName: string;
  departmentCode: string;
  dependsOn: string[];
  status: StepStatus;
  sla: SlaView;
  activatedAt: string | null;
  decidedAt: string | null;
  note: string | null;
  output: OutputView | null;
}

export interface SupplementView {
  stage: PendingSupplement['stage'];
  stepKey: string | null;
  materials: string[];
  note: string;
  requestedAt: string;
}

/** A line of a request list. */
export interface RequestSummaryView {
  id: string;
  number: string;
  itemCode: string;
  itemVersion: number;
  companyUscc: string;
  hallCode: string | null;
  status: RequestStatus;
  submittedAt: string;
  acceptedAt: string | null;
  completedAt: string | null;
  endedAt: string | null;
  sla: SlaView;
}

/** A request as GET /requests/{id} shows it (API.md, Requests). */
export interface RequestView extends RequestSummaryView {
  /** The service point that took it in and handed it to its hall (`hallCode`) for acceptance; else null. */
  takenInAt: string | null;
  onBehalfOf: string | null;
  form: JsonObject;
  materials: SubmittedMaterial[];
  supplement: SupplementView | null;
  outcomeReason: string | null;
  steps: StepView[];
  outputs: OutputView[];
  deferredMaterials: DeferredMaterialView[];
  /** 延期: the one extension a manager granted, shown to the applicant. */
  extension: ExtensionView | null;
  specialProcedures: SpecialProcedureView[];
  /** 好差评: the applicant's rating once the request ended, with the follow-up a 1 or 2 opened. */
  evaluation: EvaluationView | null;
}

/** 容缺受理: a material accepted as missing or deficient, due by its own date; outputs wait for it. */
export interface DeferredMaterialView {
  code: string;
  dueAt: string;
  suppliedAt: string | null;
}

export interface ExtensionView {
  workingDays: number;
  /** The working days it added to a joint item's legal limit (联合办理); null for another item. */
  legalWorkingDays: number | null;
  reason: string;
  grantedAt: string;
}

/** A user as a view names them: by id and username. */
export interface UserRef {
  id: string;
  username: string;
}

/**
 * 特别程序: a step's clock (and the request's) stops from its start to its end: the planned end
 * (`endsAt`), or an earlier one its approver chose (`endedBy`; null when it ran to its planned end).
 */
export interface SpecialProcedureView {
  id: string;
  stepKey: string;
  reason: string;
  startedAt: string;
  endsAt: string;
  endedAt: string | null;
  startedBy: UserRef;
  endedBy: UserRef | null;
}

/** What a request has besides its row and steps. */
export interface RequestExtras {
  deferredMaterials: DeferredMaterialView[];
  extension: ExtensionView | null;
  specialProcedures: SpecialProcedureView[];
  evaluation: EvaluationRecord | null;
  licences: OutputLicence[];
}

export const NO_EXTRAS: RequestExtras = {
  deferredMaterials: [],
  extension: null,
  specialProcedures: [],
  evaluation: null,
  licences: [],
};

export interface TaskView {
  requestId: string;
  requestNumber: string;
  itemCode: string;
  companyUscc: string;
  requestStatus: RequestStatus;
  stepKey: string;
  matterCode: string;
  matterName: string;
  departmentCode: string;
  status: StepStatus;
  activatedAt: string;
  sla: SlaView;
}

export interface TimelineEventView {
  id: string;
  action: string;
  statusFrom: string | null;
  statusTo: string | null;
  actor: { id: string; username: string | null; role: string } | null;
  /** 代办: the company a clerk acted for. */
  onBehalfOf: string | null;
  payload: JsonObject | null;
  occurredAt: string;
}

const instant = (value: Date | null): string | null => (value ? formatInstant(value) : null);

function outputOf(step: RequestStep, licences: readonly OutputLicence[]): OutputView | null {
  if (!step.issuedAt || !step.outputNumber) return null;
  return {
    stepKey: step.stepKey,
    kind: step.outputKind,
    name: step.outputName,
    number: step.outputNumber,
    issuedAt: formatInstant(step.issuedAt),
    licence: licences.find((l) => l.stepKey === step.stepKey) ?? null,
  };
}

export function toRequestSummaryView(request: ServiceRequest, sla: SlaView = null): RequestSummaryView {
  return {
    id: String(request.id),
    number: request.number,
    itemCode: request.itemCode,
    itemVersion: Number(request.itemVersion),
    companyUscc: request.companyUscc,
    hallCode: request.hallCode,
    status: request.status,
    submittedAt: formatInstant(request.submittedAt),
    acceptedAt: instant(request.acceptedAt),
    completedAt: instant(request.completedAt),
    endedAt: instant(request.endedAt),
    sla,
  };
}

export function toStepView(step: RequestStep, sla: SlaView = null, licences: readonly OutputLicence[] = []): StepView {
  return {
    key: step.stepKey,
    matterCode: step.matterCode,
    matterName: step.matterName,
    departmentCode: step.departmentCode,
    dependsOn: step.dependsOn,
    status: step.status,
    sla,
    activatedAt: instant(step.activatedAt),
    decidedAt: instant(step.decidedAt),
    note: step.decisionNote,
    output: outputOf(step, licences),
  };
}

/** `steps` in the version's topological order; `outputs` exist only once issued, all at one instant. */
export function toRequestView(
  request: ServiceRequest,
  steps: readonly RequestStep[],
  sla: RequestSla = NO_SLA,
  extras: RequestExtras = NO_EXTRAS,
): RequestView {
  const ordered = [...steps].sort((a, b) => a.position - b.position);
  const supplement = request.supplement;
  return {
    ...toRequestSummaryView(request, sla.request),
    takenInAt: request.takenInAt ?? null,
    onBehalfOf: request.onBehalfOf,
    form: request.form,
    materials: request.materials,
    supplement: supplement
      ? {
          stage: supplement.stage,
          stepKey: supplement.stepKey,
          materials: supplement.materials,
          note: supplement.note,
          requestedAt: supplement.requestedAt,
        }
      : null,
    outcomeReason: request.outcomeReason,
    steps: ordered.map((step) => toStepView(step, sla.steps.get(step.stepKey) ?? null, extras.licences)),
    outputs: ordered
      .map((step) => outputOf(step, extras.licences))
      .filter((output): output is OutputView => output !== null),
    deferredMaterials: extras.deferredMaterials,
    extension: extras.extension,
    specialProcedures: extras.specialProcedures,
    evaluation: extras.evaluation ? toEvaluationView(extras.evaluation, sla.followUp ?? null) : null,
  };
}

export function toTimelineEventView(event: AuditEvent): TimelineEventView {
  return {
    id: String(event.id),
    action: event.action,
    statusFrom: event.statusFrom,
    statusTo: event.statusTo,
    actor:
      event.actorId && event.actorRole
        ? { id: String(event.actorId), username: event.actorUsername, role: event.actorRole }
        : null,
    onBehalfOf: event.onBehalfOf,
    payload: event.payload,
    occurredAt: formatInstant(event.occurredAt),
  };
}
