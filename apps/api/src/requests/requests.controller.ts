import { ACTOR_ROLES } from '#database';
import type { Actor } from '#identity';
import { ApplicantActions, RequestReads, RequestSubmission, StepDecisions, TimeLimits, WindowActions } from '#requests';
import { Body, Controller, Get, Param, Post, Query, UseInterceptors } from '@nestjs/common';
import { AllowedActionsInterceptor } from './allowed-actions.interceptor.js';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../http/api-errors.js';
import { CurrentActor, Roles } from '../http/decorators.js';
import { ApiIdempotencyKey, IdempotencyKey } from '../http/idempotency-key.js';
import { ActionRoute } from './action-route.js';
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
@UseInterceptors(AllowedActionsInterceptor)
@Controller('requests')
export class RequestsController {
  constructor(
    private readonly submission: RequestSubmission,
    private readonly reads: RequestReads,
    private readonly window: WindowActions,
    private readonly applicant: ApplicantActions,
    private readonly steps: StepDecisions,
    private readonly timeLimits: TimeLimits,
  ) {}

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
    return this.submission.submit(actor, body, key);
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
    return this.reads.list(
      actor,
      { status: query.status, itemCode: query.itemCode, slaState: query.slaState },
      query.limit,
      query.cursor,
    );
  }

  @Get(':id')
  // Every person who may see it, and the system of a department with a step of it.
  @Roles(...ACTOR_ROLES)
  @ApiOperation({ summary: 'One request with its steps and outputs' })
  @ApiOkResponse({ type: RequestDto })
  @ApiErrors(400, 401, 404)
  get(@CurrentActor() actor: Actor, @Param() params: RequestIdParamsDto): Promise<RequestDto> {
    return this.reads.get(actor, params.id);
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
    return this.reads.timeline(actor, params.id, query.limit, query.cursor);
  }

  @ActionRoute(':id/accept', 'clerk', RequestDto, {
    summary: '受理 (clerk): the steps without dependencies become active',
  })
  accept(
    @CurrentActor() actor: Actor,
    @Param() params: RequestIdParamsDto,
    @Body() body: AcceptDto,
    @IdempotencyKey() key?: string,
  ): Promise<RequestDto> {
    return this.window.accept(actor, params.id, body, key);
  }

  @ActionRoute(':id/refuse', 'clerk', RequestDto, { summary: '不予受理 (clerk), with the reason' })
  refuse(
    @CurrentActor() actor: Actor,
    @Param() params: RequestIdParamsDto,
    @Body() body: ReasonDto,
    @IdempotencyKey() key?: string,
  ): Promise<RequestDto> {
    return this.window.refuse(actor, params.id, body, key);
  }

  @ActionRoute(':id/supplement-requests', 'clerk', RequestDto, {
    summary: '补正 at intake (clerk): ask for checklist materials, with a note',
  })
  requestSupplement(
    @CurrentActor() actor: Actor,
    @Param() params: RequestIdParamsDto,
    @Body() body: SupplementRequestDto,
    @IdempotencyKey() key?: string,
  ): Promise<RequestDto> {
    return this.window.requestSupplement(actor, params.id, body, key);
  }

  @ActionRoute(':id/supplements', 'applicant', RequestDto, {
    summary: 'Answer a supplement request (applicant): every material asked for',
  })
  supply(
    @CurrentActor() actor: Actor,
    @Param() params: RequestIdParamsDto,
    @Body() body: SupplementDto,
    @IdempotencyKey() key?: string,
  ): Promise<RequestDto> {
    return this.applicant.supply(actor, params.id, body, key);
  }

  @ActionRoute(':id/withdraw', 'applicant', RequestDto, {
    summary: 'Withdraw before the end (applicant); undecided steps are cancelled',
  })
  withdraw(
    @CurrentActor() actor: Actor,
    @Param() params: RequestIdParamsDto,
    @Body() _body: EmptyBodyDto,
    @IdempotencyKey() key?: string,
  ): Promise<RequestDto> {
    return this.applicant.withdraw(actor, params.id, key);
  }

  @ActionRoute(':id/extensions', 'manager', RequestDto, {
    summary: '延期 (manager): once per request, up to 10 working days more on its clock, with the reason',
    description:
      '行政许可法 Art. 42. Granted before the due time; recorded in the timeline and shown to the applicant.',
  })
  extend(
    @CurrentActor() actor: Actor,
    @Param() params: RequestIdParamsDto,
    @Body() body: ExtensionDto,
    @IdempotencyKey() key?: string,
  ): Promise<RequestDto> {
    return this.timeLimits.extend(actor, params.id, body, key);
  }

  @ActionRoute(':id/steps/:key/special-procedures', 'approver', RequestDto, {
    summary: '特别程序 (approver): the step’s clock and the request’s stop until endsAt, then count on',
  })
  startSpecialProcedure(
    @CurrentActor() actor: Actor,
    @Param() params: StepParamsDto,
    @Body() body: SpecialProcedureDto,
    @IdempotencyKey() key?: string,
  ): Promise<RequestDto> {
    return this.timeLimits.startSpecialProcedure(actor, params.id, params.key, body, key);
  }

  @ActionRoute(':id/steps/:key/special-procedures/end', 'approver', RequestDto, {
    summary: '特别程序 ended early (approver who started it): the clocks count on now with the time they had left',
    description:
      '行政许可法 Art. 45. Only the approver who started the running special procedure of the step may end it (another: 403); none running: 409.',
  })
  endSpecialProcedure(
    @CurrentActor() actor: Actor,
    @Param() params: StepParamsDto,
    @Body() _body: EmptyBodyDto,
    @IdempotencyKey() key?: string,
  ): Promise<RequestDto> {
    return this.timeLimits.endSpecialProcedureEarly(actor, params.id, params.key, key);
  }

  @ActionRoute(':id/steps/:key/approve', ['approver', 'system'], RequestDto, {
    summary: 'Approve a step of the approver’s department (or by its system, with its API key)',
    description:
      'The steps that depended on it become active; when it was the last, the request completes and every output is issued at that instant.',
  })
  approve(
    @CurrentActor() actor: Actor,
    @Param() params: StepParamsDto,
    @Body() body: ApproveDto,
    @IdempotencyKey() key?: string,
  ): Promise<RequestDto> {
    return this.steps.approveStep(actor, params.id, params.key, body, key);
  }

  @ActionRoute(':id/steps/:key/deny', ['approver', 'system'], RequestDto, {
    summary:
      'Deny a step (approver or its department’s system): the request is denied and its other undecided steps cancelled',
  })
  deny(
    @CurrentActor() actor: Actor,
    @Param() params: StepParamsDto,
    @Body() body: ReasonDto,
    @IdempotencyKey() key?: string,
  ): Promise<RequestDto> {
    return this.steps.denyStep(actor, params.id, params.key, body, key);
  }

  @ActionRoute(':id/steps/:key/supplement-requests', ['approver', 'system'], RequestDto, {
    summary:
      '补正 for a step (approver or its department’s system): ask for materials of the step’s matter; the request waits',
  })
  requestStepSupplement(
    @CurrentActor() actor: Actor,
    @Param() params: StepParamsDto,
    @Body() body: SupplementRequestDto,
    @IdempotencyKey() key?: string,
  ): Promise<RequestDto> {
    return this.steps.requestStepSupplement(actor, params.id, params.key, body, key);
  }
}
