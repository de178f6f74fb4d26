import { CODE_PATTERN } from '#catalogue';
import {
  REPORT_LANGUAGES,
  type ReportLanguage,
  REPORT_FORMATS,
  SATISFACTION_GROUPS,
  type SatisfactionGroup,
  type ReportFormat,
  THROUGHPUT_INTERVALS,
  type ThroughputInterval,
  TURNAROUND_GROUPS,
  type TurnaroundGroup,
} from '#reports';
import { ApiPropertyOptional } from '@nestjs/swagger';
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
