import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The body of every error (docs/api.md, Errors). */
export class ErrorResponseDto {
  @ApiProperty({ type: 'integer', example: 400, minimum: 400, maximum: 599 })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request', description: 'the status’s reason phrase, in English' })
  error: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, maxItems: 1000 }],
    example: ['username must be a string'],
    description: 'what went wrong, in the reader’s language; a list when a body has several faults',
  })
  message: string | string[];

  @ApiPropertyOptional({
    example: 'completed',
    description: 'a 409 of a state table: the current status of the request, step or follow-up',
  })
  state?: string;
}
