import { CODE_PATTERN } from '#catalogue';
import {
  REPORT_LANGUAGES,
  type ReportLanguage,
  REPORT_FORMATS,
  REPORT_SOURCES,
  type ReportSource,
  SATISFACTION_GROUPS,
  type SatisfactionGroup,
  type ReportFormat,
  THROUGHPUT_INTERVALS,
  type ThroughputInterval,
  TURNAROUND_GROUPS,
  type TurnaroundGroup,
} from '#reports';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { IsCode } from '../catalogue/catalogue.dto.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const dateMessage = { message: '$property must be a date written YYYY-MM-DD' };

/** The filters every report takes, and the format it answers in. */
export class ReportFilterQueryDto {
  @ApiPropertyOptional({
    example: 'CENTRE',
    pattern: CODE_PATTERN.source,
    description: 'only this hall (a hall’s manager always gets their own)',
  })
  @IsOptional()
  @IsCode()
  hallCode?: string;

  @ApiPropertyOptional({
    example: 'SAMR',
    pattern: CODE_PATTERN.source,
    description:
      'only requests with a step of this department (its steps, when grouping by step, department or approver)',
  })
  @IsOptional()
  @IsCode()
  departmentCode?: string;

  @ApiPropertyOptional({ example: 'OPEN-BUSINESS', pattern: CODE_PATTERN.source })
  @IsOptional()
  @IsCode()
  itemCode?: string;

  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json', description: 'csv: UTF-8 with BOM; xlsx: a workbook' })
  @IsOptional()
  @IsIn(REPORT_FORMATS, { message: `format must be one of ${REPORT_FORMATS.join(', ')}` })
  format?: ReportFormat;

  @ApiPropertyOptional({
    enum: REPORT_LANGUAGES,
    description: 'the language of a download (csv, xlsx): zh-CN by default, else Accept-Language',
  })
  @IsOptional()
  @IsIn(REPORT_LANGUAGES, { message: `lang must be one of ${REPORT_LANGUAGES.join(', ')}` })
  lang?: ReportLanguage;
}

/** A period of zone dates (Asia/Shanghai), both included; the last 30 days by default. */
export class PeriodQueryDto extends ReportFilterQueryDto {
  @ApiPropertyOptional({
    example: '2026-01-01',
    pattern: '^\\d{4}-\\d{2}-\\d{2}$',
    description: 'first day (zone date); default: 29 days before `to`',
  })
  @IsOptional()
  @IsString()
  @Matches(DATE, dateMessage)
  from?: string;

  @ApiPropertyOptional({
    example: '2026-12-31',
    pattern: '^\\d{4}-\\d{2}-\\d{2}$',
    description: 'last day, included (zone date); default: today',
  })
  @IsOptional()
  @IsString()
  @Matches(DATE, dateMessage)
  to?: string;
}

export class TurnaroundQueryDto extends PeriodQueryDto {
  @ApiPropertyOptional({ enum: TURNAROUND_GROUPS, default: 'item' })
  @IsOptional()
  @IsIn(TURNAROUND_GROUPS, { message: `groupBy must be one of ${TURNAROUND_GROUPS.join(', ')}` })
  groupBy?: TurnaroundGroup;
}

export class ThroughputQueryDto extends PeriodQueryDto {
  @ApiPropertyOptional({ enum: THROUGHPUT_INTERVALS, default: 'day' })
  @IsOptional()
  @IsIn(THROUGHPUT_INTERVALS, { message: `interval must be one of ${THROUGHPUT_INTERVALS.join(', ')}` })
  interval?: ThroughputInterval;
}

export class SatisfactionQueryDto extends PeriodQueryDto {
  @ApiPropertyOptional({ enum: SATISFACTION_GROUPS, default: 'hall' })
  @IsOptional()
  @IsIn(SATISFACTION_GROUPS, { message: `groupBy must be one of ${SATISFACTION_GROUPS.join(', ')}` })
  groupBy?: SatisfactionGroup;
}

export class OverdueQueryDto extends ReportFilterQueryDto {
  @ApiPropertyOptional({
    default: 100,
    minimum: 1,
    maximum: 5000,
    description: 'how many of the oldest to list (all up to 5,000 in csv and xlsx)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: 'limit must be between 1 and 5000' })
  @Max(5000, { message: 'limit must be between 1 and 5000' })
  limit?: number;
}

// The reports' JSON answers (what `?format=json`, the default, returns); CSV and XLSX carry the same rows as a table.

const count = (description?: string) => ApiProperty({ type: 'integer', minimum: 0, maximum: 2 ** 31 - 1, description });
const share = (description: string) =>
  ApiProperty({ type: Number, nullable: true, minimum: 0, maximum: 1, description });
const hours = (description: string) => ApiProperty({ type: Number, nullable: true, minimum: 0, description });

export class ReportFiltersDto {
  @ApiPropertyOptional({ example: 'CENTRE' }) hallCode?: string;
  @ApiPropertyOptional({ example: 'SAMR' }) departmentCode?: string;
  @ApiPropertyOptional({ example: 'OPEN-BUSINESS' }) itemCode?: string;
}

export class ReportFreshnessDto {
  @ApiProperty({
    enum: REPORT_SOURCES,
    description:
      'where the report was read: `primary`; `replica` (DATABASE_REPLICA_URLS); `primary-fallback` when replicas are configured but none could be read',
  })
  source: ReportSource;
  @ApiProperty({
    example: '2026-11-30T09:59:59.412+08:00',
    format: 'date-time',
    description:
      'every change committed up to this instant is in the report, later ones may not be: when the primary was read, or the last heartbeat of the primary the replica had applied (stamped each second)',
  })
  asOf: string;
  @ApiProperty({
    type: Number,
    minimum: 0,
    example: 0.4,
    description: 'how far the replica read was behind the primary, in seconds; 0 on the primary',
  })
  lagSeconds: number;
}

const freshness = () =>
  ApiProperty({ type: ReportFreshnessDto, description: 'where the report was read and how fresh that is' });

export class TurnaroundRowDto {
  @ApiProperty({ type: String, nullable: true, description: 'the item, department, hall, step, approver or level' })
  key: string | null;
  @count() completed: number;
  @count('ended within the promised limit') onTime: number;
  @share('onTime of completed; null when none completed') onTimeRate: number | null;
  @count('ended within the legal limit (法定时限)') legalOnTime: number;
  @count('ended past the legal limit') legalBreached: number;
  @share('legalOnTime of those with a legal limit; null when none had') legalOnTimeRate: number | null;
  @hours('working hours, pauses excluded') meanWorkingHours: number | null;
  @hours('working hours, pauses excluded') medianWorkingHours: number | null;
  @hours('working hours, pauses excluded') p90WorkingHours: number | null;
  @hours('natural days from acceptance (or a step’s activation) to the end') meanElapsedDays: number | null;
}

export class TurnaroundReportDto {
  @ApiProperty({ example: '2026-11-01', format: 'date' }) from: string;
  @ApiProperty({ example: '2026-11-30', format: 'date' }) to: string;
  @ApiProperty({ enum: TURNAROUND_GROUPS }) groupBy: TurnaroundGroup;
  @ApiProperty({ type: ReportFiltersDto }) filters: ReportFiltersDto;
  @ApiProperty({ type: [TurnaroundRowDto] }) rows: TurnaroundRowDto[];
  @freshness() freshness: ReportFreshnessDto;
}

export class BacklogRowDto {
  @ApiProperty({ example: 'in_progress' }) status: string;
  @count() total: number;
  @count('submitted less than a day ago') under1d: number;
  @count() '1to3d': number;
  @count() '3to7d': number;
  @count() '7to15d': number;
  @count('submitted more than 15 days ago') over15d: number;
}

export class BacklogReportDto {
  @ApiProperty({
    example: '2026-11-30T10:00:00.000+08:00',
    format: 'date-time',
    description: 'the instant the report counts from (now); how fresh the data read is: `freshness.asOf`',
  })
  asOf: string;
  @ApiProperty({ type: ReportFiltersDto }) filters: ReportFiltersDto;
  @ApiProperty({ type: [BacklogRowDto] }) rows: BacklogRowDto[];
  @freshness() freshness: ReportFreshnessDto;
}

export class OverdueHolderDto {
  @ApiProperty({ enum: ['department', 'hall'] }) kind: 'department' | 'hall';
  @ApiProperty({ type: String, nullable: true, example: 'SAMR' }) code: string | null;
}

export class OverdueItemDto {
  @ApiProperty({ example: '42' }) requestId: string;
  @ApiProperty({ example: 'GX20261126000123' }) number: string;
  @ApiProperty({ example: 'OPEN-BUSINESS' }) itemCode: string;
  @ApiProperty({ type: String, nullable: true, example: 'CENTRE' }) hallCode: string | null;
  @ApiProperty({ example: 'step' }) clock: string;
  @ApiProperty({ type: String, nullable: true, example: 'licence' }) stepKey: string | null;
  @ApiProperty({ type: OverdueHolderDto }) holder: OverdueHolderDto;
  @ApiProperty({ example: '2026-11-26T17:00:00.000+08:00', format: 'date-time' }) dueAt: string;
  @count() overdueWorkingMinutes: number;
}

export class OverdueReportDto {
  @ApiProperty({
    example: '2026-11-30T10:00:00.000+08:00',
    format: 'date-time',
    description: 'the instant the report counts from (now); how fresh the data read is: `freshness.asOf`',
  })
  asOf: string;
  @ApiProperty({ type: ReportFiltersDto }) filters: ReportFiltersDto;
  @count('every clock past due now') total: number;
  @ApiProperty({ type: [OverdueItemDto], maxItems: 5000, description: 'the oldest `limit` of them' })
  items: OverdueItemDto[];
  @ApiProperty({ description: 'more clocks are past due than items holds' }) truncated: boolean;
  @freshness() freshness: ReportFreshnessDto;
}

export class ThroughputRowDto {
  @ApiProperty({ example: '2026-11-26', format: 'date', description: 'the day, or the Monday of the week' })
  period: string;
  @count() submitted: number;
  @count() accepted: number;
  @count() completed: number;
  @count() denied: number;
  @count() refused: number;
  @count() withdrawn: number;
}

export class ThroughputReportDto {
  @ApiProperty({ example: '2026-11-01', format: 'date' }) from: string;
  @ApiProperty({ example: '2026-11-30', format: 'date' }) to: string;
  @ApiProperty({ enum: THROUGHPUT_INTERVALS }) interval: ThroughputInterval;
  @ApiProperty({ type: ReportFiltersDto }) filters: ReportFiltersDto;
  @ApiProperty({ type: [ThroughputRowDto], maxItems: 3660 }) rows: ThroughputRowDto[];
  @freshness() freshness: ReportFreshnessDto;
}

export class SatisfactionRowDto {
  @ApiProperty({ type: String, nullable: true, description: 'the hall or item; null for the row of the whole period' })
  key: string | null;
  @count() evaluations: number;
  @count() score1: number;
  @count() score2: number;
  @count() score3: number;
  @count() score4: number;
  @count() score5: number;
  @ApiProperty({ type: Number, nullable: true, minimum: 1, maximum: 5 }) meanScore: number | null;
  @count('scores of 1 or 2 (差评)') badReviews: number;
  @share('badReviews of evaluations') badReviewRate: number | null;
  @count('follow-ups (整改) opened in the period') followUpsOpened: number;
  @count() followUpsClosed: number;
  @count() followUpsClosedOnTime: number;
  @share('followUpsClosedOnTime of followUpsClosed') followUpOnTimeRate: number | null;
  @count('open past due now') followUpsOverdue: number;
}

export class SatisfactionReportDto {
  @ApiProperty({ example: '2026-11-01', format: 'date' }) from: string;
  @ApiProperty({ example: '2026-11-30', format: 'date' }) to: string;
  @ApiProperty({ enum: SATISFACTION_GROUPS }) groupBy: SatisfactionGroup;
  @ApiProperty({ type: ReportFiltersDto }) filters: ReportFiltersDto;
  @ApiProperty({ type: SatisfactionRowDto }) total: SatisfactionRowDto;
  @ApiProperty({ type: [SatisfactionRowDto] }) rows: SatisfactionRowDto[];
  @freshness() freshness: ReportFreshnessDto;
}
