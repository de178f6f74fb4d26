import type { HallLevel, JsonObject, MatterMaterial, MatterOutput, TimeLimit } from '#database';

/**
 * What the catalogue returns. VersionStep, ChecklistEntry and ItemVersionView are a contract with
 * the requests module: a request stores the id of the version it started on and reads it back
 * with CatalogueService.versionById.
 */

export interface DepartmentView {
  code: string;
  name: string;
}

export interface HallView {
  code: string;
  name: string;
  level: HallLevel;
  parentCode?: string;
}

export interface MatterView {
  code: string;
  name: string;
  departmentCode: string;
  promisedLimit: TimeLimit;
  legalLimit: TimeLimit;
  materials: MatterMaterial[];
  output: MatterOutput;
}

/** A step of a version: its matter as it was when the draft was created. */
export interface VersionStep {
  key: string;
  matterCode: string;
  matterName: string;
  departmentCode: string;
  dependsOn: string[];
  promisedLimit: TimeLimit;
  legalLimit: TimeLimit;
  materials: MatterMaterial[];
  output: MatterOutput;
}

/** One line of the 一张清单: a material and the matters that need it. */
export interface ChecklistEntry {
  code: string;
  name: string;
  required: boolean;
  key: boolean;
  matters: string[];
}

export type ItemVersionStatusView = 'draft' | 'published';

export interface ItemVersionView {
  id: string;
  itemCode: string;
  version: number;
  status: ItemVersionStatusView;
  name: string;
  category: string;
  calendarCode: string;
  promisedLimit: TimeLimit;
  warnShare: number;
  intakeLimit: TimeLimit | null;
  steps: VersionStep[];
  checklist: ChecklistEntry[];
  formSchema: JsonObject | null;
  publishedAt: string | null;
}

/** A line of the public list of items: the latest published version of each. */
export interface ItemSummaryView {
  code: string;
  name: string;
  category: string;
  calendarCode: string;
  version: number;
  promisedLimit: TimeLimit;
  publishedAt: string;
}

/** A step as the public catalogue shows it. */
export interface PublishedStepView {
  key: string;
  matterCode: string;
  matterName: string;
  departmentCode: string;
  dependsOn: string[];
  promisedLimit: TimeLimit;
  output: MatterOutput;
}

/** An item as anyone may read it: its latest published version, steps and checklist. */
export interface PublishedItemView {
  code: string;
  name: string;
  category: string;
  calendarCode: string;
  version: number;
  promisedLimit: TimeLimit;
  warnShare: number;
  intakeLimit: TimeLimit | null;
  steps: PublishedStepView[];
  checklist: ChecklistEntry[];
  formSchema: JsonObject | null;
  publishedAt: string;
}

export interface NewDepartment {
  code: string;
  name: string;
}

export interface NewHall {
  code: string;
  name: string;
  level: HallLevel;
  parentCode?: string | null;
}

export interface NewMatter {
  code: string;
  name: string;
  departmentCode: string;
  promisedLimit: TimeLimit;
  legalLimit: TimeLimit;
  materials: MatterMaterial[];
  output: MatterOutput;
}

export interface NewItemStep {
  key: string;
  matterCode: string;
  dependsOn?: string[];
}

export interface NewItem {
  code: string;
  name: string;
  category: string;
  calendarCode?: string;
  promisedLimit: TimeLimit;
  /** The share of a clock's working time after which it warns; 0.8 when absent. */
  warnShare?: number;
  /** The intake clock's limit; 5 working days when absent. */
  intakeLimit?: TimeLimit | null;
  steps: NewItemStep[];
  formSchema?: JsonObject | null;
}
