import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto.js';

const DESCRIPTIONS = {
  400: 'Bad input: the message names what is wrong',
  401: 'No bearer token, or an invalid or expired one',
  403: 'The role may not do this',
  404: 'Absent, or not yours',
  409: 'Already exists, or an illegal state transition: the message and `state` name the current state',
  422: 'Idempotency-Key already used for a different request',
} as const;

/** Documents the error responses of a route, each with the common error body. */
export const ApiErrors = (...statuses: (keyof typeof DESCRIPTIONS)[]) =>
  applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, type: ErrorResponseDto, description: DESCRIPTIONS[status] })),
  );
