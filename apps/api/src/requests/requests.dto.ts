import { REQUEST_BUTTONS, STEP_BUTTONS } from '#requests';
import { CODE_PATTERN, STEP_KEY_PATTERN, STEP_KEY_RULE } from '#catalogue';
import { REQUEST_STATUSES, type JsonObject } from '#database';
import { SLA_STATES } from '#sla';
import { CharLength } from '../http/char-length.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsISO8601,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { CodeProperty, IsCode, IsText, TextProperty } from '../catalogue/catalogue.dto.js';
import { MaxJsonSize } from '../http/json-size.js';
import { ListOf } from '../http/list-of.js';
import { PageQueryDto } from '../http/page-query.dto.js';
import { EvaluationDto } from './evaluations.dto.js';
import { SlaDto } from './sla.dto.js';

/** A request id as the path carries it: the digits of a bigint unsigned. */
export const REQUEST_ID_PATTERN = /^[1-9]\d{0,18}$/;
export const FORM_MAX_BYTES = 256 * 1024;
export const MAX_MATERIALS = 200;

export class SubmittedMaterialDto {
  @ApiProperty({ example: 'ARTICLES', pattern: CODE_PATTERN.source, description: 'a material code of the checklist' })
  @IsCode()
  code: string;

  @TextProperty('file:2026/11/articles.pdf', 500) reference: string;

  @ApiPropertyOptional({
    example: '42',
    pattern: '^[1-9]\\d{0,18}$',
    description:
      'the uploaded file (POST /files) that is this material: the company’s own, or uploaded for it by this hall',
  })
  @IsOptional()
  @Matches(/^[1-9]\d{0,18}$/, { message: 'fileId must be the id of an uploaded file' })
  fileId?: string;
}

export class StandInLicenceDto {
  @ApiProperty({ example: '12' }) id: string;
  @ApiProperty({ example: '91320594MA1XK7T2QQ' }) number: string;
  @ApiProperty({ example: '营业执照' }) name: string;
  @ApiProperty({ example: 'K7QH3MXC9TPA4RWD' }) verificationCode: string;
}

export class RequestMaterialDto extends SubmittedMaterialDto {
  @ApiPropertyOptional({
    type: StandInLicenceDto,
    description: '免提交: the company’s licence that stood in for this material (not handed in); reference names it',
  })
  licence?: StandInLicenceDto;
}

export class CreateRequestDto {
  @CodeProperty('OPEN-BUSINESS') itemCode: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { companyName: '示范科技有限公司' } })
  @IsObject()
  @MaxJsonSize(FORM_MAX_BYTES)
  // Kept as sent: class-transformer would drop keys such as `constructor` from free-form JSON.
  @Transform(({ obj }: { obj: { form: unknown } }) => obj.form)
  form: JsonObject;

  @ApiProperty({ type: [SubmittedMaterialDto], maxItems: MAX_MATERIALS })
  @ListOf(() => SubmittedMaterialDto, MAX_MATERIALS)
  materials: SubmittedMaterialDto[];

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '91320594MA1XK7T2QQ',
    minLength: 1,
    maxLength: 64,
    description: '代办: clerks only, the USCC of the company (null: none)',
  })
  @IsOptional()
  @IsString()
  @CharLength(1, 64)
  onBehalfOf?: string | null;
}

export class RequestListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: REQUEST_STATUSES })
  @IsOptional()
  @IsIn(REQUEST_STATUSES, { message: `status must be one of ${REQUEST_STATUSES.join(', ')}` })
  status?: string;

  @ApiPropertyOptional({ example: 'OPEN-BUSINESS', pattern: CODE_PATTERN.source })
  @IsOptional()
  @IsCode()
  itemCode?: string;

  @ApiPropertyOptional({ enum: SLA_STATES, description: 'the state of the request’s clock' })
  @IsOptional()
  @IsIn(SLA_STATES, { message: `slaState must be one of ${SLA_STATES.join(', ')}` })
  slaState?: string;
}

export class RequestIdParamsDto {
  @ApiProperty({ example: '42', pattern: REQUEST_ID_PATTERN.source })
  @IsString()
  @Matches(REQUEST_ID_PATTERN, { message: 'id must be a request id (digits)' })
  id: string;
}

export class StepParamsDto extends RequestIdParamsDto {
  @ApiProperty({ example: 'licence', pattern: STEP_KEY_PATTERN.source })
  @IsString()
  @Matches(STEP_KEY_PATTERN, { message: `key must be ${STEP_KEY_RULE}` })
  key: string;
}

export class DeferredMaterialDto {
  @CodeProperty('PREMISES') code: string;

  @ApiProperty({ type: 'integer', example: 5, minimum: 1, maximum: 60 })
  @IsInt()
  @Min(1)
  @Max(60)
  dueInWorkingDays: number;
}

export class AcceptDto {
  @ApiPropertyOptional({
    type: [DeferredMaterialDto],
    maxItems: MAX_MATERIALS,
    description:
      '容缺受理: non-key materials accepted as missing or deficient, each due within its working days; the outputs wait for them',
  })
  @IsOptional()
  @ListOf(() => DeferredMaterialDto, MAX_MATERIALS)
  deferredMaterials?: DeferredMaterialDto[];
}

/** 延期 (行政许可法 Art. 42: at most ten days more, once). */
export class ExtensionDto {
  @ApiProperty({ type: 'integer', example: 5, minimum: 1, maximum: 10 })
  @IsInt({ message: 'workingDays must be an integer' })
  @Min(1)
  @Max(10)
  workingDays: number;

  @TextProperty('需现场核查，经负责人批准延期', 1000) reason: string;
}

/** 特别程序: the step's clock (and the request's) stops until `endsAt`. */
export class SpecialProcedureDto {
  @TextProperty('组织专家评审', 1000) reason: string;

  @ApiProperty({
    example: '2026-12-10T17:00:00+08:00',
    format: 'date-time',
    maxLength: 40,
    description: 'ISO 8601 with its offset, in the future',
  })
  @MaxLength(40, { message: 'endsAt must be an ISO 8601 instant with its offset' })
  @IsISO8601({ strict: true }, { message: 'endsAt must be an ISO 8601 instant with its offset' })
  @Matches(/(Z|[+-]\d{2}:\d{2})$/, { message: 'endsAt must end with its offset (Z or ±HH:MM)' })
  endsAt: string;
}

/** A body that must carry nothing: any field is a 400. */
export class EmptyBodyDto {}

export class ReasonDto {
  @TextProperty('经营范围涉及前置许可，材料不符合法定形式', 1000) reason: string;
}

export class SupplementRequestDto {
  @ApiProperty({
    type: [String],
    example: ['PREMISES'],
    minItems: 1,
    maxItems: MAX_MATERIALS,
    items: { type: 'string', pattern: CODE_PATTERN.source },
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_MATERIALS)
  @IsString({ each: true })
  @Matches(CODE_PATTERN, { each: true, message: 'each of materials must be a material code' })
  materials: string[];

  @TextProperty('住所使用证明需加盖产权单位公章', 1000) note: string;
}

export class SupplementDto {
  @ApiProperty({ type: [SubmittedMaterialDto], minItems: 1, maxItems: MAX_MATERIALS })
  @ArrayNotEmpty()
  @ListOf(() => SubmittedMaterialDto, MAX_MATERIALS)
  materials: SubmittedMaterialDto[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { companyName: '示范科技有限公司' },
    description:
      'the corrected form, in answer to a supplement request only: checked against the form schema of the request’s item version as at submission, it replaces the form submitted',
  })
  @IsOptional()
  @IsObject()
  @MaxJsonSize(FORM_MAX_BYTES)
  // Kept as sent: class-transformer would drop keys such as `constructor` from free-form JSON.
  @Transform(({ obj }: { obj: { form?: unknown } }) => obj.form)
  form?: JsonObject;
}

export class ApproveDto {
  @ApiPropertyOptional({
    example: '91320594MA1XK7T2QQ',
    minLength: 1,
    maxLength: 64,
    description: 'the licence or certificate number; the request number and step key when omitted',
  })
  @IsOptional()
  @IsText(64)
  outputNumber?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 1000 })
  @IsOptional()
  @IsString()
  @CharLength(1, 1000)
  comment?: string;
}

// ---- responses ------------------------------------------------------------------------------

export class DeferredMaterialViewDto {
  @ApiProperty({ example: 'PREMISES' }) code: string;
  @ApiProperty({ example: '2026-12-04T17:00:00.000+08:00' }) dueAt: string;
  @ApiProperty({ type: String, nullable: true }) suppliedAt: string | null;
}

export class ExtensionViewDto {
  @ApiProperty({ example: 5 }) workingDays: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 15,
    description: '联合办理: the working days it added to the joint item’s legal limit (15); null for another item',
  })
  legalWorkingDays: number | null;
  @ApiProperty() reason: string;
  @ApiProperty() grantedAt: string;
}

export class UserRefDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'approver.samr' }) username: string;
}

export class SpecialProcedureViewDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'licence' }) stepKey: string;
  @ApiProperty({ example: '组织专家评审' }) reason: string;
  @ApiProperty() startedAt: string;
  @ApiProperty({ description: 'the planned end' }) endsAt: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'when it ended: its planned end, or earlier when its approver ended it; null while it runs',
  })
  endedAt: string | null;
  @ApiProperty({ type: UserRefDto, description: 'the approver who started it' }) startedBy: UserRefDto;
  @ApiProperty({
    type: UserRefDto,
    nullable: true,
    description: 'the approver who ended it early; null while it runs or when it ran to its planned end',
  })
  endedBy: UserRefDto | null;
}

export class OutputLicenceDto {
  @ApiProperty({ example: '12' }) id: string;
  @ApiProperty({ example: 'licence' }) stepKey: string;
  @ApiProperty({ example: 'K7QH3MXC9TPA4RWD', description: 'public: GET /licences/verify/{code}' })
  verificationCode: string;
  @ApiProperty({ type: String, nullable: true, description: 'null: valid without end (长期有效)' })
  validUntil: string | null;
  @ApiProperty({ enum: ['valid', 'revoked', 'expired'] }) status: string;
}

export class IssuedOutputDto {
  @ApiProperty({ example: 'licence' }) stepKey: string;
  @ApiProperty({ example: 'licence' }) kind: string;
  @ApiProperty({ example: '营业执照' }) name: string;
  @ApiProperty({ example: '91320594MA1XK7T2QQ' }) number: string;
  @ApiProperty({ example: '2026-11-26T17:05:00.000+08:00' }) issuedAt: string;
  @ApiProperty({ type: OutputLicenceDto, nullable: true, description: '电子证照: the licence the output became' })
  licence: OutputLicenceDto | null;
}

export class StepDto {
  @ApiProperty({ example: 'licence' }) key: string;
  @ApiProperty({ example: 'BIZ-LICENCE' }) matterCode: string;
  @ApiProperty({ example: '企业设立登记' }) matterName: string;
  @ApiProperty({ example: 'SAMR' }) departmentCode: string;
  @ApiProperty({ type: [String] }) dependsOn: string[];
  @ApiProperty({ enum: ['waiting', 'active', 'approved', 'denied', 'cancelled'] }) status: string;
  @ApiProperty({ type: SlaDto, nullable: true, description: 'the step clock; null before it first runs' })
  sla: SlaDto | null;
  @ApiProperty({ type: String, nullable: true }) activatedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) decidedAt: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the approval comment or the denial reason' })
  note: string | null;
  @ApiProperty({ type: IssuedOutputDto, nullable: true }) output: IssuedOutputDto | null;
  @ApiProperty({
    enum: STEP_BUTTONS,
    isArray: true,
    description: 'what the caller may do with this step now: each is accepted by the api exactly when listed',
  })
  allowedActions?: string[];
}

export class SupplementViewDto {
  @ApiProperty({ enum: ['intake', 'processing'] }) stage: string;
  @ApiProperty({ type: String, nullable: true }) stepKey: string | null;
  @ApiProperty({ type: [String] }) materials: string[];
  @ApiProperty() note: string;
  @ApiProperty() requestedAt: string;
}

export class RequestSummaryDto {
  @ApiProperty({ example: '42' }) id: string;
  @ApiProperty({ example: 'GX20261126000123' }) number: string;
  @ApiProperty({ example: 'OPEN-BUSINESS' }) itemCode: string;
  @ApiProperty({ example: 1 }) itemVersion: number;
  @ApiProperty({ example: '91320594MA1XK7T2QQ' }) companyUscc: string;
  @ApiProperty({ type: String, nullable: true, description: 'the hall that took it; null before intake online' })
  hallCode: string | null;
  @ApiProperty({ enum: REQUEST_STATUSES }) status: string;
  @ApiProperty({ example: '2026-11-26T09:30:00.000+08:00' }) submittedAt: string;
  @ApiProperty({ type: String, nullable: true }) acceptedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) completedAt: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'when it completed, was denied, refused or withdrawn' })
  endedAt: string | null;
  @ApiProperty({ type: SlaDto, nullable: true, description: 'the request clock; null before it first runs' })
  sla: SlaDto | null;
}

export class RequestDto extends RequestSummaryDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description:
      'the service point that took it in and handed it to its parent hall (hallCode) for acceptance, the point not accepting the item itself; null otherwise',
  })
  takenInAt: string | null;
  @ApiProperty({ type: String, nullable: true, description: '代办: set when a clerk submitted for the company' })
  onBehalfOf: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) form: JsonObject;
  @ApiProperty({ type: [RequestMaterialDto] }) materials: RequestMaterialDto[];
  @ApiProperty({ type: SupplementViewDto, nullable: true }) supplement: SupplementViewDto | null;
  @ApiProperty({ type: String, nullable: true, description: 'why it was refused or denied' })
  outcomeReason: string | null;
  @ApiProperty({ type: [StepDto] }) steps: StepDto[];
  @ApiProperty({ type: [IssuedOutputDto], description: 'issued together at completion' }) outputs: IssuedOutputDto[];
  @ApiProperty({ type: [DeferredMaterialViewDto], description: '容缺受理: outputs wait until each is in' })
  deferredMaterials: DeferredMaterialViewDto[];
  @ApiProperty({ type: ExtensionViewDto, nullable: true, description: '延期: at most one, granted by a manager' })
  extension: ExtensionViewDto | null;
  @ApiProperty({ type: [SpecialProcedureViewDto] }) specialProcedures: SpecialProcedureViewDto[];
  @ApiProperty({
    type: EvaluationDto,
    nullable: true,
    description: '好差评: the applicant’s rating once the request ended, with the follow-up (整改) a 1 or 2 opened',
  })
  evaluation: EvaluationDto | null;
  @ApiProperty({
    enum: REQUEST_BUTTONS,
    isArray: true,
    description:
      'what the caller may do with the request now (follow-up-* are the 整改 steps): each is accepted by the api exactly when listed',
  })
  allowedActions?: string[];
}

export class RequestPageDto {
  @ApiProperty({ type: [RequestSummaryDto] }) items: RequestSummaryDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

class TimelineActorDto {
  @ApiProperty() id: string;
  @ApiProperty({ type: String, nullable: true }) username: string | null;
  @ApiProperty() role: string;
}

export class TimelineEventDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'request.accepted' }) action: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'the request’s or, for step.*, the step’s, for follow-up.*, the follow-up’s status',
  })
  statusFrom: string | null;
  @ApiProperty({ type: String, nullable: true }) statusTo: string | null;
  @ApiProperty({ type: TimelineActorDto, nullable: true }) actor: TimelineActorDto | null;
  @ApiProperty({ type: String, nullable: true, description: '代办: the company a clerk acted for' })
  onBehalfOf: string | null;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true }) payload: JsonObject | null;
  @ApiProperty() occurredAt: string;
}

export class TimelinePageDto {
  @ApiProperty({ type: [TimelineEventDto] }) items: TimelineEventDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class TaskDto {
  @ApiProperty() requestId: string;
  @ApiProperty({ example: 'GX20261126000123' }) requestNumber: string;
  @ApiProperty() itemCode: string;
  @ApiProperty() companyUscc: string;
  @ApiProperty({ enum: REQUEST_STATUSES }) requestStatus: string;
  @ApiProperty() stepKey: string;
  @ApiProperty() matterCode: string;
  @ApiProperty() matterName: string;
  @ApiProperty() departmentCode: string;
  @ApiProperty({ enum: ['active'] }) status: string;
  @ApiProperty() activatedAt: string;
  @ApiProperty({ type: SlaDto, nullable: true, description: 'the step clock; null before it first runs' })
  sla: SlaDto | null;
}

export class TaskPageDto {
  @ApiProperty({ type: [TaskDto] }) items: TaskDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
