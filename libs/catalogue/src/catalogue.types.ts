import type {
  ChecklistEntrySnapshot,
  HallLevel,
  ItemStage,
  ItemStepSnapshot,
  JsonObject,
  MatterMaterial,
  MatterOutput,
  OpeningHours,
  TimeLimit,
} from '#database';

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
  address?: string;
  lat?: number;
  lng?: number;
  /** Absent: the zone's hours. */
  openingHours?: OpeningHours;
  /** The items the hall takes in, by code; absent when none. */
  itemCodes?: string[];
}

/** Where a hall is and what it takes in: every field optional; lat and lng go together. */
export interface HallPlace {
  address?: string;
  lat?: number;
  lng?: number;
  openingHours?: OpeningHours;
  itemCodes?: string[];
}

/** An admin's change to a hall: the fields given replace the old (itemCodes the whole list). */
export interface HallChanges extends HallPlace {
  name?: string;
}

export interface NearbyQuery {
  lat: number;
  lng: number;
  itemCode?: string;
  radiusKm?: number;
  limit?: number;
}

/** A place found near a point, nearest first; `openNow` is the caller's to add (it needs the calendar). */
export interface NearbyHall {
  code: string;
  name: string;
  level: HallLevel;
  parentCode?: string;
  address?: string;
  lat: number;
  lng: number;
  openingHours: OpeningHours | null;
  distanceMeters: number;
}

export interface MatterView {
  code: string;
  name: string;
  departmentCode: string;
  promisedLimit: TimeLimit;
  /** 法定时限; null for a value-added service (增值服务): a promise, no limit in law. */
  legalLimit: TimeLimit | null;
  materials: MatterMaterial[];
  output: MatterOutput;
}

/** A step of a version: its matter as it was when the draft was created, as the version stores it. */
export type VersionStep = ItemStepSnapshot;

/** One line of the 一张清单: a material and the matters that need it, as the version stores it. */
export type ChecklistEntry = ChecklistEntrySnapshot;

export type ItemVersionStatusView = 'draft' | 'published';

export interface ItemVersionView {
  id: string;
  itemCode: string;
  version: number;
  status: ItemVersionStatusView;
  name: string;
  category: string;
  stage: ItemStage | null;
  /** 联合办理 (行政许可法 Art. 42): the request's legal limit is 45 working days, 15 more with its extension. */
  joint: boolean;
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
  stage: ItemStage | null;
  joint: boolean;
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
  stage: ItemStage | null;
  joint: boolean;
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

export interface NewHall extends HallPlace {
  code: string;
  name: string;
  level: HallLevel;
  parentCode?: string | null;
}

/** A matter to add: all that its view shows; without a legal limit, a value-added service's. */
export type NewMatter = Omit<MatterView, 'legalLimit'> & { legalLimit?: TimeLimit | null };

export interface NewItemStep {
  key: string;
  matterCode: string;
  dependsOn?: string[];
}

export interface NewItem {
  code: string;
  name: string;
  category: string;
  stage?: ItemStage | null;
  /** 联合办理; false when absent. */
  joint?: boolean;
  calendarCode?: string;
  promisedLimit: TimeLimit;
  /** The share of a clock's working time after which it warns; 0.8 when absent. */
  warnShare?: number;
  /** The intake clock's limit; 5 working days when absent. */
  intakeLimit?: TimeLimit | null;
  steps: NewItemStep[];
  formSchema?: JsonObject | null;
}
