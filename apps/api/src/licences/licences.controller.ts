import type { Actor } from '#identity';
import { LicencesService } from '#licences';
import { RequestSubmission } from '#requests';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../http/api-errors.js';
import { CurrentActor, Public, Roles } from '../http/decorators.js';
import { ReasonDto } from '../requests/requests.dto.js';
import {
  CoverageDto,
  CoverageQueryDto,
  LicenceCheckDto,
  LicenceDto,
  LicenceIdParamsDto,
  LicenceListQueryDto,
  LicencePageDto,
  VerificationCodeParamsDto,
} from './licences.dto.js';

/** 电子证照: the licences a request's completion issued, read, verified, revoked, and reused (免提交). */
@ApiTags('licences')
@Controller('licences')
export class LicencesController {
  constructor(
    private readonly licences: LicencesService,
    private readonly submission: RequestSubmission,
  ) {}

  @Get()
  @ApiBearerAuth()
  @ApiOperation({
    summary: "Licences, newest first: an applicant's company's own; the hall, departments and managers any company's",
  })
  @ApiOkResponse({ type: LicencePageDto })
  @ApiErrors(400, 401, 404)
  list(@CurrentActor() actor: Actor, @Query() query: LicenceListQueryDto): Promise<LicencePageDto> {
    return this.licences.list(actor, query);
  }

  @Get('coverage')
  @Roles('applicant', 'clerk')
  @ApiBearerAuth()
  @ApiOperation({
    summary: '免提交: which materials of an item the company’s valid licences cover (applicant: own; clerk: uscc)',
    description:
      'A covered material left out of the submission is filled in with the licence, which the request keeps.',
  })
  @ApiOkResponse({ type: CoverageDto })
  @ApiErrors(400, 401, 403, 404)
  coverage(@CurrentActor() actor: Actor, @Query() query: CoverageQueryDto): Promise<CoverageDto> {
    return this.submission.coverage(actor, query.itemCode, query.uscc);
  }

  @Public()
  @Get('verify/:code')
  @ApiOperation({
    summary: 'Check a licence by its verification code (no login): valid or not, its kind, holder name and dates only',
  })
  @ApiOkResponse({ type: LicenceCheckDto })
  @ApiErrors(400, 404)
  verify(@Param() params: VerificationCodeParamsDto): Promise<LicenceCheckDto> {
    return this.licences.verify(params.code);
  }

  @Get(':licenceId')
  @ApiBearerAuth()
  @ApiOperation({ summary: "One licence: an applicant's company's own (another's is a 404); staff any" })
  @ApiOkResponse({ type: LicenceDto })
  @ApiErrors(400, 401, 404)
  get(@CurrentActor() actor: Actor, @Param() params: LicenceIdParamsDto): Promise<LicenceDto> {
    return this.licences.get(actor, params.licenceId);
  }

  @Post(':licenceId/revoke')
  @HttpCode(200)
  @Roles('approver')
  @ApiBearerAuth()
  @ApiOperation({
    summary: '撤销: the issuing department’s approver revokes a licence, with the reason (on the request’s timeline)',
  })
  @ApiOkResponse({ type: LicenceDto })
  @ApiErrors(400, 401, 403, 404, 409)
  revoke(
    @CurrentActor() actor: Actor,
    @Param() params: LicenceIdParamsDto,
    @Body() body: ReasonDto,
  ): Promise<LicenceDto> {
    return this.licences.revoke(actor, params.licenceId, body.reason);
  }
}
