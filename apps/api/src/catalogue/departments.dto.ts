import { ApiProperty } from '@nestjs/swagger';
import { CodeProperty, TextProperty } from './catalogue.dto.js';

export class CreateDepartmentDto {
  @CodeProperty('SAMR') code: string;

  @TextProperty('市场监督管理局', 100) name: string;
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
