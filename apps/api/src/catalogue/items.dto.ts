import { CALENDAR_CODE_PATTERN, CALENDAR_CODE_RULE, STEP_KEY_PATTERN, STEP_KEY_RULE } from '#catalogue';
import { ITEM_STAGES, type ItemStage, type JsonObject } from '#database';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { MaxJsonSize } from '../http/json-size.js';
import { PageQueryDto } from '../http/page-query.dto.js';
import { ListOf } from '../http/list-of.js';
import { CodeProperty, TextProperty, TimeLimitDto } from './catalogue.dto.js';
import { MaterialDto, OutputDto } from './matters.dto.js';

export const MAX_STEPS = 50;
export const FORM_SCHEMA_MAX_BYTES = 64 * 1024;

export class ItemStepInputDto {
  @ApiProperty({ example: 'licence', pattern: STEP_KEY_PATTERN.source, description: 'unique within the item' })
  @IsString()
  @Matches(STEP_KEY_PATTERN, { message: `$property must be ${STEP_KEY_RULE}` })
  key: string;

  @CodeProperty('BIZ-LICENCE') matterCode: string;

  @ApiPropertyOptional({
    type: [String],
    example: [],
    maxItems: MAX_STEPS,
    items: { type: 'string', pattern: STEP_KEY_PATTERN.source },
    description: 'keys of the steps that must be approved first; none (the default) starts at acceptance',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_STEPS)
  @IsString({ each: true })
  @Matches(STEP_KEY_PATTERN, { each: true, message: `each of $property must be a step key: ${STEP_KEY_RULE}` })
  dependsOn: string[] = [];
}

export class CreateItemDto {
  @CodeProperty('OPEN-BUSINESS') code: string;

  @TextProperty('开办企业', 200) name: string;

  @TextProperty('enterprise', 64) category: string;

  @ApiPropertyOptional({
    enum: ITEM_STAGES,
    nullable: true,
    description:
      'the life-cycle stage the catalogue files it under (一类事一站办): ENTRY 准入准营, HIRING 招聘用工, TAXES 纳税缴费, OPERATION 经营发展, CONSTRUCTION 工程建设, EXIT 注销退出',
  })
  @IsOptional()
  @IsIn(ITEM_STAGES, { message: `stage must be one of ${ITEM_STAGES.join(', ')}` })
  stage?: ItemStage | null;

  @ApiPropertyOptional({
    default: false,
    description:
      '联合办理 (行政许可法 Art. 42): handled jointly by several departments, so the request as a whole has a legal limit of 45 working days, 15 more with its extension; its promisedLimit may not be longer than those 45 working days',
  })
  @IsOptional()
  @IsBoolean()
  joint?: boolean;

  @ApiPropertyOptional({
    example: 'zone',
    default: 'zone',
    pattern: CALENDAR_CODE_PATTERN.source,
    description: 'the calendar its limits are counted on: zone (working days of the zone), always (24x7)',
  })
  @IsOptional()
  @IsString()
  @Matches(CALENDAR_CODE_PATTERN, { message: `$property must be ${CALENDAR_CODE_RULE}` })
  calendarCode?: string;

  @ApiProperty({ type: TimeLimitDto, description: '承诺时限 of the whole item' })
  @IsObject({ message: '$property must be an object {value, unit}' })
  @ValidateNested()
  @Type(() => TimeLimitDto)
  promisedLimit: TimeLimitDto;

  @ApiPropertyOptional({
    example: 0.8,
    minimum: 0.5,
    maximum: 0.95,
    description: 'the share of a clock’s working time after which it warns (预警); 0.8 when absent',
  })
  @IsOptional()
  @IsNumber(
    { allowNaN: false, allowInfinity: false, maxDecimalPlaces: 3 },
    { message: 'warnShare must be a number with at most 3 decimals' },
  )
  @Min(0.5)
  @Max(0.95)
  warnShare?: number;

  @ApiPropertyOptional({
    type: TimeLimitDto,
    description: 'the intake clock’s limit (行政许可法 Art. 32); 5 working days when absent',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => TimeLimitDto)
  intakeLimit?: TimeLimitDto;

  @ApiProperty({
    type: [ItemStepInputDto],
    minItems: 1,
    maxItems: MAX_STEPS,
    description: 'one step per matter; dependsOn makes a DAG (no cycles, no unknown keys)',
  })
  @ArrayNotEmpty({ message: 'steps must not be empty: an item needs at least one step' })
  @ListOf(() => ItemStepInputDto, MAX_STEPS)
  steps: ItemStepInputDto[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: `the one form of the item (e.g. a JSON Schema), at most ${FORM_SCHEMA_MAX_BYTES} bytes`,
  })
  @IsOptional()
  @IsObject({ message: 'formSchema must be a JSON object' })
  @MaxJsonSize(FORM_SCHEMA_MAX_BYTES)
  // Kept as sent: class-transformer would drop keys such as `constructor` from free-form JSON.
  @Transform(({ obj }: { obj: { formSchema: unknown } }) => obj.formSchema)
  formSchema?: JsonObject;
}

export class VersionStepDto {
  @ApiProperty({ example: 'licence' }) key: string;
  @ApiProperty({ example: 'BIZ-LICENCE' }) matterCode: string;
  @ApiProperty({ example: '企业设立登记' }) matterName: string;
  @ApiProperty({ example: 'SAMR' }) departmentCode: string;
  @ApiProperty({ type: [String], example: [] }) dependsOn: string[];
  @ApiProperty({ type: TimeLimitDto }) promisedLimit: TimeLimitDto;
  @ApiProperty({ type: TimeLimitDto, nullable: true, description: 'null: a value-added service, no legal limit' })
  legalLimit: TimeLimitDto | null;
  @ApiProperty({ type: [MaterialDto] }) materials: MaterialDto[];
  @ApiProperty({ type: OutputDto }) output: OutputDto;
}

export class ChecklistEntryDto {
  @ApiProperty({ example: 'ID-LEGAL-REP' }) code: string;
  @ApiProperty({ example: '法定代表人身份证明' }) name: string;
  @ApiProperty({ description: 'required by at least one matter' }) required: boolean;
  @ApiProperty({ description: 'key for at least one matter' }) key: boolean;
  @ApiProperty({ type: [String], example: ['BIZ-LICENCE', 'SEAL-ENGRAVING'], description: 'the matters needing it' })
  matters: string[];
  @ApiPropertyOptional({
    example: 'BUSINESS-LICENCE',
    description: '免提交: a valid licence of this kind held by the company stands in for the material',
  })
  licenceKind?: string;
}

export class ItemVersionDto {
  @ApiProperty({ example: '12' }) id: string;
  @ApiProperty({ example: 'OPEN-BUSINESS' }) itemCode: string;
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty({ enum: ['draft', 'published'] }) status: 'draft' | 'published';
  @ApiProperty({ example: '开办企业' }) name: string;
  @ApiProperty({ example: 'enterprise' }) category: string;
  @ApiProperty({ enum: ITEM_STAGES, nullable: true, type: String }) stage: ItemStage | null;
  @ApiProperty({ description: '联合办理: the request’s legal limit is 45 working days' }) joint: boolean;
  @ApiProperty({ example: 'zone' }) calendarCode: string;
  @ApiProperty({ type: TimeLimitDto }) promisedLimit: TimeLimitDto;
  @ApiProperty({ example: 0.8 }) warnShare: number;
  @ApiProperty({ type: TimeLimitDto, nullable: true }) intakeLimit: TimeLimitDto | null;
  @ApiProperty({ type: [VersionStepDto], description: 'snapshots of the matters taken when the draft was made' })
  steps: VersionStepDto[];
  @ApiProperty({ type: [ChecklistEntryDto] }) checklist: ChecklistEntryDto[];
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) formSchema: JsonObject | null;
  @ApiProperty({ type: String, nullable: true, example: '2026-11-26T17:05:00.000+08:00' })
  publishedAt: string | null;
}

export class PublishedStepDto {
  @ApiProperty({ example: 'seal' }) key: string;
  @ApiProperty({ example: 'SEAL-ENGRAVING' }) matterCode: string;
  @ApiProperty({ example: '公章刻制备案' }) matterName: string;
  @ApiProperty({ example: 'PSB' }) departmentCode: string;
  @ApiProperty({ type: [String], example: ['licence'] }) dependsOn: string[];
  @ApiProperty({ type: TimeLimitDto }) promisedLimit: TimeLimitDto;
  @ApiProperty({ type: OutputDto }) output: OutputDto;
}

export class PublishedItemDto {
  @ApiProperty({ example: 'OPEN-BUSINESS' }) code: string;
  @ApiProperty({ example: '开办企业' }) name: string;
  @ApiProperty({ example: 'enterprise' }) category: string;
  @ApiProperty({ enum: ITEM_STAGES, nullable: true, type: String }) stage: ItemStage | null;
  @ApiProperty({ description: '联合办理: the request’s legal limit is 45 working days' }) joint: boolean;
  @ApiProperty({ example: 'zone' }) calendarCode: string;
  @ApiProperty({ example: 1, description: 'the latest published version' }) version: number;
  @ApiProperty({ type: TimeLimitDto }) promisedLimit: TimeLimitDto;
  @ApiProperty({ example: 0.8 }) warnShare: number;
  @ApiProperty({ type: TimeLimitDto, nullable: true }) intakeLimit: TimeLimitDto | null;
  @ApiProperty({ type: [PublishedStepDto] }) steps: PublishedStepDto[];
  @ApiProperty({ type: [ChecklistEntryDto], description: '一张清单: every material once, with the matters needing it' })
  checklist: ChecklistEntryDto[];
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) formSchema: JsonObject | null;
  @ApiProperty({ example: '2026-11-26T17:05:00.000+08:00' }) publishedAt: string;
}

export class ItemSummaryDto {
  @ApiProperty({ example: 'OPEN-BUSINESS' }) code: string;
  @ApiProperty({ example: '开办企业' }) name: string;
  @ApiProperty({ example: 'enterprise' }) category: string;
  @ApiProperty({ enum: ITEM_STAGES, nullable: true, type: String }) stage: ItemStage | null;
  @ApiProperty({ description: '联合办理: the request’s legal limit is 45 working days' }) joint: boolean;
  @ApiProperty({ example: 'zone' }) calendarCode: string;
  @ApiProperty({ example: 2, description: 'the latest published version' }) version: number;
  @ApiProperty({ type: TimeLimitDto }) promisedLimit: TimeLimitDto;
  @ApiProperty({ example: '2026-11-26T17:05:00.000+08:00' }) publishedAt: string;
}

export class ItemSummaryPageDto {
  @ApiProperty({ type: [ItemSummaryDto] }) items: ItemSummaryDto[];
  @ApiProperty({ type: String, nullable: true, description: 'cursor of the next page; null on the last' })
  nextCursor: string | null;
}

export class ItemListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ITEM_STAGES, description: 'only the items of this life-cycle stage' })
  @IsOptional()
  @IsIn(ITEM_STAGES, { message: `stage must be one of ${ITEM_STAGES.join(', ')}` })
  stage?: ItemStage;

  @ApiPropertyOptional({
    maxLength: 50,
    example: '开办',
    description: 'only the items whose name or code contains these words (case-insensitive; blank means all)',
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MaxLength(50)
  q?: string;
}
