import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsObject, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { ListOf } from '../http/list-of.js';
import { CodeProperty, IsText, TextProperty, TimeLimitDto } from './catalogue.dto.js';

export const MAX_MATERIALS = 100;

export class MaterialDto {
  @CodeProperty('BIZ-LICENCE-COPY') code: string;

  @TextProperty('营业执照副本', 200) name: string;

  @ApiProperty({ description: 'the applicant must hand it in' })
  @IsBoolean()
  required: boolean;

  @ApiProperty({ description: 'a key material: intake cannot defer it (容缺受理 only defers non-key ones)' })
  @IsBoolean()
  key: boolean;

  @ApiPropertyOptional({
    example: 'BUSINESS-LICENCE',
    minLength: 1,
    maxLength: 32,
    description: '免提交: the kind of licence (an output kind) that covers it when the company holds a valid one',
  })
  @IsOptional()
  @IsText(32)
  licenceKind?: string;
}

export class OutputDto {
  @TextProperty('BUSINESS-LICENCE', 32) kind: string;

  @TextProperty('营业执照', 200) name: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 50,
    example: 5,
    description: 'whole years the licence issued for it stays valid; absent: without end (长期有效)',
  })
  @IsOptional()
  @IsInt({ message: '$property must be a whole number of years' })
  @Min(1, { message: '$property must be at least 1' })
  @Max(50, { message: '$property must be at most 50' })
  validForYears?: number;
}

export class CreateMatterDto {
  @CodeProperty('BIZ-LICENCE') code: string;

  @TextProperty('企业设立登记', 200) name: string;

  @CodeProperty('SAMR') departmentCode: string;

  @ApiProperty({ type: TimeLimitDto, description: '承诺时限: at most the legal limit' })
  @IsObject({ message: '$property must be an object {value, unit}' })
  @ValidateNested()
  @Type(() => TimeLimitDto)
  promisedLimit: TimeLimitDto;

  @ApiPropertyOptional({
    type: TimeLimitDto,
    nullable: true,
    description: '法定时限; absent or null for a value-added service (增值服务): a promise, no limit in law',
  })
  @IsOptional()
  @IsObject({ message: '$property must be an object {value, unit}' })
  @ValidateNested()
  @Type(() => TimeLimitDto)
  legalLimit?: TimeLimitDto | null;

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
  @ApiProperty({ type: TimeLimitDto, nullable: true, description: 'null: a value-added service, no legal limit' })
  legalLimit: TimeLimitDto | null;
  @ApiProperty({ type: [MaterialDto] }) materials: MaterialDto[];
  @ApiProperty({ type: OutputDto }) output: OutputDto;
}

export class MatterPageDto {
  @ApiProperty({ type: [MatterDto] }) items: MatterDto[];
  @ApiProperty({ type: String, nullable: true, description: 'cursor of the next page; null on the last' })
  nextCursor: string | null;
}
