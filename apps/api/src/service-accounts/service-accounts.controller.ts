import { type Actor, ServiceAccountsService } from '#identity';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../http/api-errors.js';
import { CurrentActor, Roles } from '../http/decorators.js';
import { PageQueryDto } from '../http/page-query.dto.js';
import {
  CreatedServiceAccountDto,
  CreateServiceAccountDto,
  ServiceAccountDto,
  ServiceAccountIdParamsDto,
  ServiceAccountPageDto,
} from './service-accounts.dto.js';

/** 部门业务系统: the departments' own systems, which call the api with an API key (admin). */
@ApiTags('service-accounts')
@ApiBearerAuth()
@Controller('service-accounts')
export class ServiceAccountsController {
  constructor(private readonly accounts: ServiceAccountsService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: 'Create a department’s service account (admin); its API key is in this answer only',
  })
  @ApiCreatedResponse({ type: CreatedServiceAccountDto })
  @ApiErrors(400, 401, 403, 409)
  create(@CurrentActor() actor: Actor, @Body() body: CreateServiceAccountDto): Promise<CreatedServiceAccountDto> {
    return this.accounts.create(actor, body);
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'The service accounts (admin), the newest first, with when each key was last used' })
  @ApiOkResponse({ type: ServiceAccountPageDto })
  @ApiErrors(400, 401, 403)
  list(@Query() query: PageQueryDto): Promise<ServiceAccountPageDto> {
    return this.accounts.list(query.limit, query.cursor);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Revoke a service account’s key (admin): refused from the next call on' })
  @ApiOkResponse({ type: ServiceAccountDto })
  @ApiErrors(400, 401, 403, 404, 409)
  revoke(@CurrentActor() actor: Actor, @Param() params: ServiceAccountIdParamsDto): Promise<ServiceAccountDto> {
    return this.accounts.revoke(actor, params.id);
  }
}
