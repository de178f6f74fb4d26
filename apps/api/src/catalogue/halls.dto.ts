import { CODE_PATTERN } from '#catalogue';
import { HALL_LEVELS, type HallLevel } from '#database';
import { CharLength } from '../http/char-length.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { codeMessage, NOT_BLANK, notBlank } from './catalogue.dto.js';

export class CreateHallDto {
  @ApiProperty({ example: 'EAST', pattern: CODE_PATTERN.source })
  @IsString()
  @Matches(CODE_PATTERN, codeMessage)
  code: string;

  @ApiProperty({ example: '东区便民服务分中心', minLength: 1, maxLength: 100 })
  @IsString()
  @CharLength(1, 100)
  @Matches(NOT_BLANK, notBlank)
  name: string;

  @ApiProperty({ enum: HALL_LEVELS, description: '1+5+N: one centre, branches under it, points under either' })
  @IsIn(HALL_LEVELS, { message: `level must be one of ${HALL_LEVELS.join(', ')}` })
  level: HallLevel;

  @ApiPropertyOptional({
    example: 'CENTRE',
    pattern: CODE_PATTERN.source,
    description: 'none for a centre; a centre for a branch; a branch or a centre for a point',
  })
  @IsOptional()
  @IsString()
  @Matches(CODE_PATTERN, codeMessage)
  parentCode?: string;
}

export class HallDto {
  @ApiProperty({ example: 'EAST' }) code: string;
  @ApiProperty({ example: '东区便民服务分中心' }) name: string;
  @ApiProperty({ enum: HALL_LEVELS }) level: HallLevel;
  @ApiPropertyOptional({ example: 'CENTRE' }) parentCode?: string;
}

export class HallPageDto {
  @ApiProperty({ type: [HallDto] }) items: HallDto[];
  @ApiProperty({ type: String, nullable: true, description: 'cursor of the next page; null on the last' })
  nextCursor: string | null;
}
