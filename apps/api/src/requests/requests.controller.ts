import type { Actor } from '#identity';
import { RequestsService } from '#requests';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../http/api-errors.js';
import { CurrentActor, Roles } from '../http/decorators.js';
import { ApiIdempotencyKey, IdempotencyKey } from '../http/idempotency-key.js';
import { PageQueryDto } from '../http/page-query.dto.js';
import {
  AcceptDto,
  ApproveDto,
  CreateRequestDto,
  EmptyBodyDto,
  ExtensionDto,
  ReasonDto,
  RequestDto,
  RequestIdParamsDto,
  RequestListQueryDto,
  RequestPageDto,
  SpecialProcedureDto,
  StepParamsDto,
  SupplementDto,
  SupplementRequestDto,
  TimelinePageDto,
} from './requests.dto.js';

/**
 * 办件 over HTTP. Every read and action is scoped in the domain: a request that is not the
 * caller's is a 404, exactly like one that does not exist.
 */
@ApiTags('requests')
@ApiBearerAuth()
@Controller('requests')
export class RequestsController {
  constructor(private readonly requests: RequestsService) {}

  @Post()
  @Roles('applicant', 'clerk')
  @ApiIdempotencyKey()
  @ApiOperation({
    summary: 'Apply once for an item (applicant for their company; clerk with onBehalfOf: 代办)',
    description:
      'Starts on the latest published version and keeps it. Materials must be on the checklist; missing required ones are a 400 listing their codes.',
  })
  @ApiCreatedResponse({ type: RequestDto })
  @ApiErrors(400, 401, 403, 404, 422)
  submit(
    @CurrentActor() actor: Actor,
    @Body() body: CreateRequestDto,
    @IdempotencyKey() key?: string,
  ): Promise<RequestDto> {
    return this.requests.submit(actor, body, key);
  }

  @Get()
  @ApiOperation({
    summary: 'Requests the caller may see, newest first',
    description:
      'Applicants: their company’s; approvers: those with a step of their department; clerks: their hall’s and those not yet taken by a hall; managers: what the clerks of their hall see (all when bound to no hall); admins: all.',
  })
  @ApiOkResponse({ type: RequestPageDto })
  @ApiErrors(400, 401)
  list(@CurrentActor() actor: Actor, @Query() query: RequestListQueryDto): Promise<RequestPageDto> {
    return this.requests.list(
      actor,
      { status: query.status, itemCode: query.itemCode, slaState: query.slaState },
      query.limit,
      query.cursor,
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'One request with its steps and outputs' })
  @ApiOkResponse({ type: RequestDto })
  @ApiErrors(400, 401, 404)
  get(@CurrentActor() actor: Actor, @Param() params: RequestIdParamsDto): Promise<RequestDto> {
    return this.requests.get(actor, params.id);
  }

  @Get(':id/timeline')
  @ApiOperation({ summary: 'The request’s audit events, oldest first (actor, 代办, status before and after)' })
  @ApiOkResponse({ type: TimelinePageDto })
  @ApiErrors(400, 401, 404)
  timeline(
    @CurrentActor() actor: Actor,
    @Param() params: RequestIdParamsDto,
    @Query() query: PageQueryDto,
  ): Promise<TimelinePageDto> {
    return this.requests.timeline(actor, params.id, query.limit, query.cursor);
  }

  @Post(':id/accept')
  @HttpCode(200)
  @Roles('clerk')
  @ApiIdempotencyKey()
  @ApiOperation({ summary: '受理 (clerk): the steps without dependencies become active' })
  @ApiOkResponse({ type: RequestDto })
  @ApiErrors(400, 401, 403, 404, 409, 422)
  accept(
    @CurrentActor() actor: Actor,
    @Param() params: RequestIdParamsDto,
    @Body() body: AcceptDto,
    @IdempotencyKey() key?: string,
  ): Promise<RequestDto> {
    return this.requests.accept(actor, params.id, body, key);
  }

  @Post(':id/refuse')
  @HttpCode(200)
  @Roles('clerk')
  @ApiIdempotencyKey()
  @ApiOperation({ summary: '不予受理 (clerk), with the reason' })
  @ApiOkResponse({ type: RequestDto })
  @ApiErrors(400, 401, 403, 404, 409, 422)
  refuse(
    @CurrentActor() actor: Actor,
    @Param() params: RequestIdParamsDto,
    @Body() body: ReasonDto,
    @IdempotencyKey() key?: string,
  ): Promise<RequestDto> {
    return this.requests.refuse(actor, params.id, body, key);
  }

  @Post(':id/supplement-requests')
  @HttpCode(200)
  @Roles('clerk')
  @ApiIdempotencyKey()
  @ApiOperation({ summary: '补正 at intake (clerk): ask for checklist materials, with a note' })
  @ApiOkResponse({ type: RequestDto })
  @ApiErrors(400, 401, 403, 404, 409, 422)
  requestSupplement(
    @CurrentActor() actor: Actor,
    @Param() params: RequestIdParamsDto,
    @Body() body: SupplementRequestDto,
    @IdempotencyKey() key?: string,
  ): Promise<RequestDto> {
    return this.requests.requestSupplement(actor, params.id, body, key);
  }

  @Post(':id/supplements')
  @HttpCode(200)
  @Roles('applicant')
  @ApiIdempotencyKey()
  @ApiOperation({ summary: 'Answer a supplement request (applicant): every material asked for' })
  @ApiOkResponse({ type: RequestDto })
  @ApiErrors(400, 401, 403, 404, 409, 422)
  supply(
    @CurrentActor() actor: Actor,
    @Param() params: RequestIdParamsDto,
    @Body() body: SupplementDto,
    @IdempotencyKey() key?: string,
  ): Promise<RequestDto> {
    return this.requests.supply(actor, params.id, body, key);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Roles('applicant')
  @ApiIdempotencyKey()
  @ApiOperation({ summary: 'Withdraw before the end (applicant); undecided steps are cancelled' })
  @ApiOkResponse({ type: RequestDto })
  @ApiErrors(400, 401, 403, 404, 409, 422)
  withdraw(
    @CurrentActor() actor: Actor,
    @Param() params: RequestIdParamsDto,
    @Body() _body: EmptyBodyDto,
    @IdempotencyKey() key?: string,
  ): Promise<RequestDto> {
    return this.requests.withdraw(actor, params.id, key);
  }

  @Post(':id/extensions')
  @HttpCode(200)
  @Roles('manager')
  @ApiIdempotencyKey()
  @ApiOperation({
    summary: '延期 (manager): once per request, up to 10 working days more on its clock, with the reason',
    description:
      '行政许可法 Art. 42. Granted before the due time; recorded in the timeline and shown to the applicant.',
  })
  @ApiOkResponse({ type: RequestDto })
  @ApiErrors(400, 401, 403, 404, 409, 422)
  extend(
    @CurrentActor() actor: Actor,
    @Param() params: RequestIdParamsDto,
    @Body() body: ExtensionDto,
    @IdempotencyKey() key?: string,
  ): Promise<RequestDto> {
    return this.requests.extend(actor, params.id, body, key);
  }

  @Post(':id/steps/:key/special-procedures')
  @HttpCode(200)
  @Roles('approver')
  @ApiIdempotencyKey()
  @ApiOperation({
    summary: '特别程序 (approver): the step’s clock and the request’s stop until endsAt, then count on',
  })
  @ApiOkResponse({ type: RequestDto })
  @ApiErrors(400, 401, 403, 404, 409, 422)
  startSpecialProcedure(
    @CurrentActor() actor: Actor,
    @Param() params: StepParamsDto,
    @Body() body: SpecialProcedureDto,
    @IdempotencyKey() key?: string,
  ): Promise<RequestDto> {
    return this.requests.startSpecialProcedure(actor, params.id, params.key, body, key);
  }

  @Post(':id/steps/:key/approve')
  @HttpCode(200)
  @Roles('approver')
  @ApiIdempotencyKey()
  @ApiOperation({
    summary: 'Approve a step of the approver’s department',
    description:
      'The steps that depended on it become active; when it was the last, the request completes and every output is issued at that instant.',
  })
  @ApiOkResponse({ type: RequestDto })
  @ApiErrors(400, 401, 403, 404, 409, 422)
  approve(
    @CurrentActor() actor: Actor,
    @Param() params: StepParamsDto,
    @Body() body: ApproveDto,
    @IdempotencyKey() key?: string,
  ): Promise<RequestDto> {
    return this.requests.approveStep(actor, params.id, params.key, body, key);
  }

  @Post(':id/steps/:key/deny')
  @HttpCode(200)
  @Roles('approver')
  @ApiIdempotencyKey()
  @ApiOperation({ summary: 'Deny a step: the request is denied and its other undecided steps cancelled' })
  @ApiOkResponse({ type: RequestDto })
  @ApiErrors(400, 401, 403, 404, 409, 422)
  deny(
    @CurrentActor() actor: Actor,
    @Param() params: StepParamsDto,
    @Body() body: ReasonDto,
    @IdempotencyKey() key?: string,
  ): Promise<RequestDto> {
    return this.requests.denyStep(actor, params.id, params.key, body, key);
  }

  @Post(':id/steps/:key/supplement-requests')
  @HttpCode(200)
  @Roles('approver')
  @ApiIdempotencyKey()
  @ApiOperation({ summary: '补正 for a step (approver): ask for materials of the step’s matter; the request waits' })
  @ApiOkResponse({ type: RequestDto })
  @ApiErrors(400, 401, 403, 404, 409, 422)
  requestStepSupplement(
    @CurrentActor() actor: Actor,
    @Param() params: StepParamsDto,
    @Body() body: SupplementRequestDto,
    @IdempotencyKey() key?: string,
  ): Promise<RequestDto> {
    return this.requests.requestStepSupplement(actor, params.id, params.key, body, key);
  }
}
