import { DepartmentsService } from '#catalogue';
import type { Actor } from '#identity';
import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../http/api-errors.js';
import { CurrentActor, Public, Roles } from '../http/decorators.js';
import { PageQueryDto } from '../http/page-query.dto.js';
import { CreateDepartmentDto, DepartmentDto, DepartmentPageDto } from './departments.dto.js';

@ApiTags('catalogue')
@Controller('departments')
export class DepartmentsController {
  constructor(private readonly departments: DepartmentsService) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'The departments, by code (no login needed)' })
  @ApiOkResponse({ type: DepartmentPageDto })
  @ApiErrors(400)
  list(@Query() query: PageQueryDto): Promise<DepartmentPageDto> {
    return this.departments.list(query.limit, query.cursor);
  }

  @Post()
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Add a department (admin)' })
  @ApiCreatedResponse({ type: DepartmentDto })
  @ApiErrors(400, 401, 403, 409)
  create(@CurrentActor() actor: Actor, @Body() body: CreateDepartmentDto): Promise<DepartmentDto> {
    return this.departments.create(actor, body);
  }
}
