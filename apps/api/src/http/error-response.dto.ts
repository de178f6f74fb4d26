import { ApiProperty } from '@nestjs/swagger';

/** The body of every error (docs/api.md, Errors). */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request' })
  error: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: ['username must be a string'],
  })
  message: string | string[];
}
