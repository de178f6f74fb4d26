import { CompaniesService } from '#companies';
import type { Actor } from '#identity';
import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../http/api-errors.js';
import { CurrentActor, Roles } from '../http/decorators.js';
import { CompanyDto, CreateCompanyDto, UsccParamsDto } from './companies.dto.js';

@ApiTags('companies')
@ApiBearerAuth()
@Controller('companies')
export class CompaniesController {
  constructor(private readonly companies: CompaniesService) {}

  @Post()
  @Roles('admin', 'clerk')
  @ApiOperation({ summary: 'Register a company by its USCC (admin or clerk); the GB 32100-2015 check must pass' })
  @ApiCreatedResponse({ type: CompanyDto })
  @ApiErrors(400, 401, 403, 409)
  create(@CurrentActor() actor: Actor, @Body() body: CreateCompanyDto): Promise<CompanyDto> {
    return this.companies.create(actor, body);
  }

  @Get(':uscc')
  @ApiOperation({ summary: "A company: staff see any, an applicant only their own (another's is a 404)" })
  @ApiOkResponse({ type: CompanyDto })
  @ApiErrors(400, 401, 404)
  get(@CurrentActor() actor: Actor, @Param() params: UsccParamsDto): Promise<CompanyDto> {
    return this.companies.find(actor, params.uscc);
  }
}
