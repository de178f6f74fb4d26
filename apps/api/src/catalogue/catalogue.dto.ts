import { CODE_PATTERN, CODE_RULE } from '#catalogue';
import { LIMIT_UNITS, type LimitUnit } from '#database';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';

/** Shared pieces of the catalogue's DTOs. */
export const codeMessage = { message: `$property must be ${CODE_RULE}` };
export const notBlank = { message: '$property must not be blank' };
export const NOT_BLANK = /\S/;
export const MAX_LIMIT_VALUE = 100_000;

export class TimeLimitDto {
  @ApiProperty({
    type: 'integer',
    example: 1,
    minimum: 1,
    maximum: MAX_LIMIT_VALUE,
    description: 'a positive whole number of units',
  })
  @IsInt({ message: '$property must be a positive integer' })
  @Min(1, { message: '$property must be a positive integer' })
  @Max(MAX_LIMIT_VALUE)
  value: number;

  @ApiProperty({
    enum: LIMIT_UNITS,
    example: 'workingDays',
    description: 'counted on the calendar; a working day is 7 working hours (09:00-12:00, 13:00-17:00)',
  })
  @IsIn(LIMIT_UNITS, { message: `$property must be one of ${LIMIT_UNITS.join(', ')}` })
  unit: LimitUnit;
}

/** `{code}` in a path. */
export class CodeParamsDto {
  @ApiProperty({ example: 'OPEN-BUSINESS', pattern: CODE_PATTERN.source })
  @IsString()
  @Matches(CODE_PATTERN, codeMessage)
  code: string;
}

/** `{code}/versions/{version}` in a path. */
export class VersionParamsDto extends CodeParamsDto {
  @ApiProperty({ type: 'integer', example: 1, minimum: 1, maximum: 4_294_967_295 })
  @Type(() => Number)
  @IsInt({ message: 'version must be a positive integer' })
  @Min(1, { message: 'version must be a positive integer' })
  @Max(4_294_967_295, { message: 'version must be a positive integer' })
  version: number;
}
