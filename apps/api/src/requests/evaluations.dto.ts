import { FOLLOW_UP_STATUSES, SCORE_LABELS } from '#requests';
import { SLA_STATES } from '#sla';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { IsText, TextProperty } from '../catalogue/catalogue.dto.js';
import { CharLength } from '../http/char-length.js';
import { PageQueryDto } from '../http/page-query.dto.js';
import { SlaDto } from './sla.dto.js';

const SCORES = [1, 2, 3, 4, 5] as const;
const SCORE_RULE = 'score must be an integer from 1 to 5';

/** 好差评: one rating per ended request. */
export class EvaluateDto {
  @ApiProperty({
    enum: SCORES,
    example: 5,
    description: `${Object.entries(SCORE_LABELS)
      .map(([score, label]) => `${score} ${label}`)
      .join(', ')}; a 1 or 2 opens a follow-up (整改)`,
  })
  // Strictly one of the five integers: "5", 2.5 and true are not scores.
  @IsIn(SCORES, { message: SCORE_RULE })
  score: number;

  @ApiPropertyOptional({ example: '窗口服务热情，一次办好', minLength: 1, maxLength: 500 })
  @IsOptional()
  @IsString()
  @CharLength(1, 500)
  comment?: string;
}

export class FollowUpNoteDto {
  @TextProperty('经核实，窗口人员未一次性告知所需材料', 1000) note: string;
}

export class FollowUpFeedbackDto {
  @ApiProperty({
    example: '已对窗口人员进行培训，并更新一次性告知清单。感谢您的监督。',
    minLength: 1,
    maxLength: 1000,
    description: 'what the applicant is told; it reaches their inbox',
  })
  @IsText(1000)
  message: string;
}

export class FollowUpListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: FOLLOW_UP_STATUSES })
  @IsOptional()
  @IsIn(FOLLOW_UP_STATUSES, { message: `status must be one of ${FOLLOW_UP_STATUSES.join(', ')}` })
  status?: string;

  @ApiPropertyOptional({ enum: SLA_STATES, description: 'the state of the follow-up’s clock' })
  @IsOptional()
  @IsIn(SLA_STATES, { message: `slaState must be one of ${SLA_STATES.join(', ')}` })
  slaState?: string;
}

// ---- responses ------------------------------------------------------------------------------

export class FollowUpDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: FOLLOW_UP_STATUSES, description: 'closed: fed back to the applicant' }) status: string;
  @ApiProperty({ type: String, nullable: true, description: 'the hall whose managers handle it' })
  hallCode: string | null;
  @ApiProperty({ example: '2026-11-30T10:00:00.000+08:00' }) openedAt: string;
  @ApiProperty({ type: String, nullable: true }) verifiedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) verifyNote: string | null;
  @ApiProperty({ type: String, nullable: true }) rectifiedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) rectifyNote: string | null;
  @ApiProperty({ type: String, nullable: true }) closedAt: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'what the applicant was told' })
  feedback: string | null;
  @ApiProperty({
    type: SlaDto,
    nullable: true,
    description: 'the follow-up’s own clock (FOLLOW_UP_LIMIT_WORKING_DAYS, 5 working days by default)',
  })
  sla: SlaDto | null;
}

export class EvaluationDto {
  @ApiProperty({ enum: SCORES }) score: number;
  @ApiProperty({ type: String, nullable: true }) comment: string | null;
  @ApiProperty({ example: '2026-11-30T10:00:00.000+08:00' }) evaluatedAt: string;
  @ApiProperty({ type: FollowUpDto, nullable: true, description: 'opened by a score of 1 or 2' })
  followUp: FollowUpDto | null;
}

export class FollowUpItemDto extends FollowUpDto {
  @ApiProperty() requestId: string;
  @ApiProperty({ example: 'GX20261126000123' }) requestNumber: string;
  @ApiProperty() itemCode: string;
  @ApiProperty() companyUscc: string;
  @ApiProperty({ enum: SCORES, description: 'the score that opened it' }) score: number;
}

export class FollowUpPageDto {
  @ApiProperty({ type: [FollowUpItemDto] }) items: FollowUpItemDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
