import type { JsonObject, SubmittedMaterial } from '#database';

export interface NewRequest {
  itemCode: string;
  form: JsonObject;
  materials: SubmittedMaterial[];
  /** A clerk's 代办: the USCC of the company the clerk submits for (null: none, like absent). */
  onBehalfOf?: string | null;
}

export interface RequestFilters {
  status?: string;
  itemCode?: string;
  /** The state of the request's clock (its intake clock before acceptance). */
  slaState?: string;
}

export interface AcceptInput {
  deferredMaterials?: { code: string; dueInWorkingDays: number }[];
}

export interface ReasonInput {
  reason: string;
}

export interface SupplementRequestInput {
  materials: string[];
  note: string;
}

export interface SupplementInput {
  materials: SubmittedMaterial[];
  /** A corrected form, in answer to a supplement request: it replaces the one submitted. */
  form?: JsonObject;
}

export interface ApproveInput {
  outputNumber?: string;
  comment?: string;
}

export interface ExtensionInput {
  workingDays: number;
  reason: string;
}

export interface SpecialProcedureInput {
  reason: string;
  /** ISO 8601 with its offset. */
  endsAt: string;
}
