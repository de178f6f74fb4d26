import { DepartmentsService } from '#catalogue';
import type { Actor } from '#identity';
import { Body, Controller, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../http/decorators.js';
import { PageQueryDto } from '../http/page-query.dto.js';
import { AdminCreate, PublicList } from './catalogue-routes.js';
import { CreateDepartmentDto, DepartmentDto, DepartmentPageDto } from './departments.dto.js';

@ApiTags('catalogue')
@Controller('departments')
export class DepartmentsController {
  constructor(private readonly departments: DepartmentsService) {}

  @PublicList(DepartmentPageDto, 'The departments, by code (no login needed)')
  list(@Query() query: PageQueryDto): Promise<DepartmentPageDto> {
    return this.departments.list(query.limit, query.cursor);
  }

  @AdminCreate(DepartmentDto, { summary: 'Add a department (admin)' })
  create(@CurrentActor() actor: Actor, @Body() body: CreateDepartmentDto): Promise<DepartmentDto> {
    return this.departments.create(actor, body);
  }
}
