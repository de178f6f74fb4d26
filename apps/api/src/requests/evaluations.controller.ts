import type { Actor } from '#identity';
import { EvaluationsService } from '#requests';
import { Body, Controller, Get, Param, Post, Query, UseInterceptors } from '@nestjs/common';
import { AllowedActionsInterceptor } from './allowed-actions.interceptor.js';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../http/api-errors.js';
import { CurrentActor, Roles } from '../http/decorators.js';
import { ApiIdempotencyKey, IdempotencyKey } from '../http/idempotency-key.js';
import { ActionRoute } from './action-route.js';
import {
  EvaluateDto,
  EvaluationDto,
  FollowUpFeedbackDto,
  FollowUpItemDto,
  FollowUpListQueryDto,
  FollowUpNoteDto,
  FollowUpPageDto,
} from './evaluations.dto.js';
import { RequestIdParamsDto } from './requests.dto.js';

/**
 * 好差评 and 整改 over HTTP: the applicant's rating of an ended request, and the follow-up a 1 or 2
 * opens for the managers of the request's hall. Scoped in the domain: a request or follow-up that
 * is not the caller's is a 404, exactly like one that does not exist.
 */
@ApiTags('evaluations')
@ApiBearerAuth()
@UseInterceptors(AllowedActionsInterceptor)
@Controller()
export class EvaluationsController {
  constructor(private readonly evaluations: EvaluationsService) {}

  @Post('requests/:id/evaluation')
  @Roles('applicant')
  @ApiIdempotencyKey()
  @ApiOperation({
    summary: '好差评 (applicant): rate a completed, denied or refused request once, 1 to 5',
    description:
      'A 1 (非常不满意) or 2 (不满意) opens a follow-up (整改) for the managers of the request’s hall, with its own clock. A request not ended yet, or rated already, is a 409 naming its state.',
  })
  @ApiCreatedResponse({ type: EvaluationDto })
  @ApiErrors(400, 401, 403, 404, 409, 422)
  evaluate(
    @CurrentActor() actor: Actor,
    @Param() params: RequestIdParamsDto,
    @Body() body: EvaluateDto,
    @IdempotencyKey() key?: string,
  ): Promise<EvaluationDto> {
    return this.evaluations.evaluate(actor, params.id, body, key);
  }

  @ActionRoute('requests/:id/follow-up/verify', 'manager', FollowUpItemDto, {
    summary: '整改 核实 (manager of the request’s hall, or zone-wide): the complaint is verified, with a note',
  })
  verify(
    @CurrentActor() actor: Actor,
    @Param() params: RequestIdParamsDto,
    @Body() body: FollowUpNoteDto,
    @IdempotencyKey() key?: string,
  ): Promise<FollowUpItemDto> {
    return this.evaluations.verify(actor, params.id, body, key);
  }

  @ActionRoute('requests/:id/follow-up/rectify', 'manager', FollowUpItemDto, {
    summary: '整改 (manager): what was put right, after the verification',
  })
  rectify(
    @CurrentActor() actor: Actor,
    @Param() params: RequestIdParamsDto,
    @Body() body: FollowUpNoteDto,
    @IdempotencyKey() key?: string,
  ): Promise<FollowUpItemDto> {
    return this.evaluations.rectify(actor, params.id, body, key);
  }

  @ActionRoute('requests/:id/follow-up/feedback', 'manager', FollowUpItemDto, {
    summary: '反馈 (manager): the applicant is told the outcome; the follow-up closes and its clock stops',
  })
  feedback(
    @CurrentActor() actor: Actor,
    @Param() params: RequestIdParamsDto,
    @Body() body: FollowUpFeedbackDto,
    @IdempotencyKey() key?: string,
  ): Promise<FollowUpItemDto> {
    return this.evaluations.feedback(actor, params.id, body, key);
  }

  @Get('follow-ups')
  @Roles('manager', 'admin')
  @ApiOperation({
    summary: 'Follow-ups (整改), oldest due first, each with its clock',
    description: 'Managers: those of their hall, or all for a manager with no hall; admins: all.',
  })
  @ApiOkResponse({ type: FollowUpPageDto })
  @ApiErrors(400, 401, 403)
  list(@CurrentActor() actor: Actor, @Query() query: FollowUpListQueryDto): Promise<FollowUpPageDto> {
    return this.evaluations.list(actor, { status: query.status, slaState: query.slaState }, query.limit, query.cursor);
  }
}
