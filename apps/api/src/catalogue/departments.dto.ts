import { CODE_PATTERN } from '#catalogue';
import { CharLength } from '../http/char-length.js';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { codeMessage, NOT_BLANK, notBlank } from './catalogue.dto.js';

export class CreateDepartmentDto {
  @ApiProperty({ example: 'SAMR', pattern: CODE_PATTERN.source })
  @IsString()
  @Matches(CODE_PATTERN, codeMessage)
  code: string;

  @ApiProperty({ example: '市场监督管理局', minLength: 1, maxLength: 100 })
  @IsString()
  @CharLength(1, 100)
  @Matches(NOT_BLANK, notBlank)
  name: string;
}

export class DepartmentDto {
  @ApiProperty({ example: 'SAMR' }) code: string;
  @ApiProperty({ example: '市场监督管理局' }) name: string;
}

export class DepartmentPageDto {
  @ApiProperty({ type: [DepartmentDto] }) items: DepartmentDto[];
  @ApiProperty({ type: String, nullable: true, description: 'cursor of the next page; null on the last' })
  nextCursor: string | null;
}
