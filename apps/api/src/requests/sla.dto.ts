import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The `sla` object (docs/design.md, Time limits): a clock's state, due and warning times, paused and remaining working minutes. */
export class SlaDto {
  @ApiProperty({ enum: ['running', 'paused', 'warning', 'overdue', 'met', 'breached'] }) state: string;
  @ApiProperty({ example: '2026-11-30T17:00:00.000+08:00' }) dueAt: string;
  @ApiProperty({ example: '2026-11-30T10:36:00.000+08:00', description: 'when the clock warns (80% of the limit)' })
  warnAt: string;
  @ApiPropertyOptional({ description: 'steps: when the matter’s legal limit (法定时限) runs out' }) legalDueAt?: string;
  @ApiPropertyOptional({
    enum: ['running', 'paused', 'met', 'breached'],
    description:
      'steps: the legal limit’s own state; breached once the clock passed legalDueAt, a graver breach than overdue',
  })
  legalState?: string;
  @ApiProperty({ description: 'working minutes that passed while the clock was paused (not counted)' })
  pausedMinutes: number;
  @ApiProperty({ description: 'working minutes left to dueAt; negative once overdue' })
  remainingWorkingMinutes: number;
}
