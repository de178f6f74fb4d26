import { CODE_PATTERN, CODE_RULE } from '#catalogue';
import { LIMIT_UNITS, type LimitUnit } from '#database';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { CharLength } from '../http/char-length.js';
import { stacked } from '../http/stacked.js';

/** Shared pieces of the catalogue's DTOs. */
export const codeMessage = { message: `$property must be ${CODE_RULE}` };
export const notBlank = { message: '$property must not be blank' };
export const NOT_BLANK = /\S/;
export const MAX_LIMIT_VALUE = 100_000;

/** A code of the catalogue (CODE_PATTERN). */
export const IsCode = () => stacked(IsString(), Matches(CODE_PATTERN, codeMessage));

/** Text of 1 to `max` characters, as the database counts them, that is not blank. */
export const IsText = (max: number) => stacked(IsString(), CharLength(1, max), Matches(NOT_BLANK, notBlank));

/** A required code, documented with its pattern and an example. */
export const CodeProperty = (example: string) =>
  applyDecorators(ApiProperty({ example, pattern: CODE_PATTERN.source }), IsCode());

/** Required text of 1 to `max` characters, documented with its length and an example. */
export const TextProperty = (example: string, max: number) =>
  applyDecorators(ApiProperty({ example, minLength: 1, maxLength: max }), IsText(max));

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
  @CodeProperty('OPEN-BUSINESS') code: string;
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
