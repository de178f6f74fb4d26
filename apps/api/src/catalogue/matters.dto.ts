import { CODE_PATTERN } from '#catalogue';
import { CharLength } from '../http/char-length.js';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsObject, IsString, Matches, ValidateNested } from 'class-validator';
import { ListOf } from '../http/list-of.js';
import { codeMessage, NOT_BLANK, notBlank, TimeLimitDto } from './catalogue.dto.js';

export const MAX_MATERIALS = 100;

export class MaterialDto {
  @ApiProperty({ example: 'BIZ-LICENCE-COPY', pattern: CODE_PATTERN.source })
  @IsString()
  @Matches(CODE_PATTERN, codeMessage)
  code: string;

  @ApiProperty({ example: '营业执照副本', minLength: 1, maxLength: 200 })
  @IsString()
  @CharLength(1, 200)
  @Matches(NOT_BLANK, notBlank)
  name: string;

  @ApiProperty({ description: 'the applicant must hand it in' })
  @IsBoolean()
  required: boolean;

  @ApiProperty({ description: 'a key material: intake cannot defer it (容缺受理 only defers non-key ones)' })
  @IsBoolean()
  key: boolean;
}

export class OutputDto {
  @ApiProperty({ example: 'licence', minLength: 1, maxLength: 32 })
  @IsString()
  @CharLength(1, 32)
  @Matches(NOT_BLANK, notBlank)
  kind: string;

  @ApiProperty({ example: '营业执照', minLength: 1, maxLength: 200 })
  @IsString()
  @CharLength(1, 200)
  @Matches(NOT_BLANK, notBlank)
  name: string;
}

export class CreateMatterDto {
  @ApiProperty({ example: 'BIZ-LICENCE', pattern: CODE_PATTERN.source })
  @IsString()
  @Matches(CODE_PATTERN, codeMessage)
  code: string;

  @ApiProperty({ example: '企业设立登记', minLength: 1, maxLength: 200 })
  @IsString()
  @CharLength(1, 200)
  @Matches(NOT_BLANK, notBlank)
  name: string;

  @ApiProperty({ example: 'SAMR', pattern: CODE_PATTERN.source })
  @IsString()
  @Matches(CODE_PATTERN, codeMessage)
  departmentCode: string;

  @ApiProperty({ type: TimeLimitDto, description: '承诺时限: at most the legal limit' })
  @IsObject({ message: '$property must be an object {value, unit}' })
  @ValidateNested()
  @Type(() => TimeLimitDto)
  promisedLimit: TimeLimitDto;

  @ApiProperty({ type: TimeLimitDto, description: '法定时限' })
  @IsObject({ message: '$property must be an object {value, unit}' })
  @ValidateNested()
  @Type(() => TimeLimitDto)
  legalLimit: TimeLimitDto;

  @ApiProperty({ type: [MaterialDto], maxItems: MAX_MATERIALS, description: 'each code once' })
  @ListOf(() => MaterialDto, MAX_MATERIALS)
  materials: MaterialDto[];

  @ApiProperty({ type: OutputDto, description: '证照: what the matter issues' })
  @IsObject({ message: '$property must be an object {kind, name}' })
  @ValidateNested()
  @Type(() => OutputDto)
  output: OutputDto;
}

export class MatterDto {
  @ApiProperty({ example: 'BIZ-LICENCE' }) code: string;
  @ApiProperty({ example: '企业设立登记' }) name: string;
  @ApiProperty({ example: 'SAMR' }) departmentCode: string;
  @ApiProperty({ type: TimeLimitDto }) promisedLimit: TimeLimitDto;
  @ApiProperty({ type: TimeLimitDto }) legalLimit: TimeLimitDto;
  @ApiProperty({ type: [MaterialDto] }) materials: MaterialDto[];
  @ApiProperty({ type: OutputDto }) output: OutputDto;
}

export class MatterPageDto {
  @ApiProperty({ type: [MatterDto] }) items: MatterDto[];
  @ApiProperty({ type: String, nullable: true, description: 'cursor of the next page; null on the last' })
  nextCursor: string | null;
}
