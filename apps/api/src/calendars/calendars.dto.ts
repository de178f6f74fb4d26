import { CALENDAR_CODE_PATTERN, CALENDAR_CODE_RULE } from '#catalogue';
import { LIMIT_UNITS } from '#database';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { TextProperty } from '../catalogue/catalogue.dto.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const dateMessage = { message: '$property must be a date written YYYY-MM-DD' };
/** An instant must say its offset: a bare local time would be read in the server's zone. */
const WITH_OFFSET = /(Z|[+-]\d{2}:\d{2})$/;

export class CalendarParamsDto {
  @ApiProperty({ example: 'zone', pattern: CALENDAR_CODE_PATTERN.source })
  @IsString()
  @Matches(CALENDAR_CODE_PATTERN, { message: `code must be ${CALENDAR_CODE_RULE}` })
  code: string;
}

export class CalendarDayParamsDto extends CalendarParamsDto {
  @ApiProperty({ example: '2026-10-01', format: 'date', pattern: DATE.source })
  @IsString()
  @Matches(DATE, dateMessage)
  date: string;
}

export class DaysQueryDto {
  @ApiProperty({ example: '2026-09-28', format: 'date', pattern: DATE.source, description: 'first date listed' })
  @IsString()
  @Matches(DATE, dateMessage)
  from: string;

  @ApiProperty({
    example: '2026-10-11',
    format: 'date',
    pattern: DATE.source,
    description: 'last date listed (at most 366 days after from)',
  })
  @IsString()
  @Matches(DATE, dateMessage)
  to: string;
}

export class SetDayDto {
  @ApiProperty({ example: false, description: 'false: a holiday; true: an adjusted workday (调休)' })
  @IsBoolean()
  working: boolean;

  @TextProperty('国庆节', 100) name: string;
}

export class DueQueryDto {
  @ApiProperty({
    example: '2026-09-30T10:00:00+08:00',
    format: 'date-time',
    maxLength: 40,
    description: 'the start, ISO 8601 with its offset, between the years 2000 and 2100',
  })
  @MaxLength(40, { message: 'from must be an ISO 8601 instant with its offset' })
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 instant with its offset' })
  @Matches(WITH_OFFSET, { message: 'from must end with its offset (Z or ±HH:MM)' })
  from: string;

  @ApiProperty({ type: 'integer', example: 1, minimum: 0, maximum: 10000 })
  @Type(() => Number)
  @IsInt({ message: 'value must be an integer' })
  @Min(0)
  @Max(10000)
  value: number;

  @ApiProperty({ enum: LIMIT_UNITS })
  @IsIn(LIMIT_UNITS, { message: `unit must be one of ${LIMIT_UNITS.join(', ')}` })
  unit: (typeof LIMIT_UNITS)[number];
}

export class CalendarDayDto {
  @ApiProperty({ example: '2026-10-01' }) date: string;
  @ApiProperty() working: boolean;
  @ApiPropertyOptional({ example: '国庆节', description: 'the holiday or adjusted workday; absent on ordinary days' })
  name?: string;
}

export class DueDto {
  @ApiProperty({ example: '2026-10-09T17:00:00.000+08:00' }) dueAt: string;
}
