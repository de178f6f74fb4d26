import { type Actor, AuthService, QUEUES_PASS_SECONDS } from '#identity';
import { Body, Controller, HttpCode, Ip, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Public, Roles } from '../http/decorators.js';
import { ErrorResponseDto } from '../http/error-response.dto.js';
import { QUEUES_BOARD_PATH, QUEUES_PASS_COOKIE } from '../queues/queues-board.js';
import { LoginDto, LoginResponseDto, QueuesPassDto } from './auth.dto.js';

/**
 * The Set-Cookie value of a queues pass, written as express's `res.cookie()` wrote it (cookie 0.7's
 * order of attributes): `name=value; Max-Age=900; Path=/admin/queues; Expires=…; HttpOnly[; Secure]; SameSite=Strict`.
 */
export function queuesPassCookie(pass: string, { secure, now }: { secure: boolean; now: number }): string {
  const expires = new Date(now + QUEUES_PASS_SECONDS * 1000).toUTCString();
  return (
    `${QUEUES_PASS_COOKIE}=${encodeURIComponent(pass)}; Max-Age=${QUEUES_PASS_SECONDS}; Path=${QUEUES_BOARD_PATH}; ` +
    `Expires=${expires}; HttpOnly${secure ? '; Secure' : ''}; SameSite=Strict`
  );
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a username and password for an access token' })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiUnauthorizedResponse({
    type: ErrorResponseDto,
    description: 'Unknown user or wrong password (same answer for both)',
  })
  @ApiTooManyRequestsResponse({
    type: ErrorResponseDto,
    description:
      'Too many attempts from this address or for this username, or the username is locked after repeated failures (Retry-After says when to come back)',
  })
  login(@Body() body: LoginDto, @Ip() address: string): Promise<LoginResponseDto> {
    return this.auth.login(body.username, body.password, address);
  }

  /**
   * The pass to the queues' page (/admin/queues, bull-board): an HttpOnly, SameSite=Strict cookie
   * scoped to that path, valid 15 minutes; the console asks for it and then opens the page.
   */
  @Roles('admin')
  @Post('queues-pass')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'A 15-minute pass to the queues page (/admin/queues), set as an HttpOnly cookie' })
  @ApiOkResponse({
    type: QueuesPassDto,
    headers: { 'Set-Cookie': { description: 'the pass', schema: { type: 'string' } } },
  })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: 'only admins see the queues' })
  async queuesPass(
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<QueuesPassDto> {
    const { pass, expiresAt } = await this.auth.issueQueuesPass(actor);
    res.header('Set-Cookie', queuesPassCookie(pass, { secure: res.request.protocol === 'https', now: Date.now() }));
    return { path: QUEUES_BOARD_PATH, expiresAt: expiresAt.toISOString() };
  }
}
