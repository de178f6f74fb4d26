import type { RequestStep, ServiceRequest } from '#database';
import type { Actor } from '#identity';
import { LiveBus, type LiveMessage, noticeOf } from '#live';
import { canSee } from '#requests';
import { Controller, Get, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiErrors } from '../http/api-errors.js';
import { CurrentActor, Roles } from '../http/decorators.js';

/** A comment line this often keeps proxies from closing a quiet stream. */
export const HEARTBEAT_MS = 15_000;
/** How long a client waits before it connects again after the stream ends (the `retry:` field). */
const RETRY_MS = 3000;
/**
 * A stream ends after this long and the client connects again with its current token: a token that
 * expired or an account that was disabled stops hearing notices within this time.
 */
export const STREAM_LIFETIME_MS = 10 * 60_000;

/** May the actor read the request the message is about? The very rule of GET /requests/{id} (canSee). */
export function mayHear(actor: Actor, { scope }: LiveMessage): boolean {
  const request = { companyUscc: scope.companyUscc, hallCode: scope.hallCode } as ServiceRequest;
  const steps = scope.departments.map((departmentCode) => ({ departmentCode }) as RequestStep);
  return canSee(actor, request, steps);
}

@ApiTags('events')
@ApiBearerAuth()
@Controller('events')
export class LiveController {
  constructor(private readonly bus: LiveBus) {}

  @Get('stream')
  @Roles('applicant', 'clerk', 'approver', 'manager', 'admin', 'system')
  @ApiOperation({
    summary: 'Live updates: a Server-Sent Events stream of notices about the requests the caller may read',
    description:
      'Each notice is `data: {"type","requestId","stepKey"?,"at"}` (the type as the webhooks name it); the client fetches ' +
      'again what it shows. The first event is `event: ready` once the stream listens; a comment line comes every 15 s; ' +
      'the stream ends after 10 minutes (and when the api stops) and the client connects again (`retry:`). A notice may ' +
      'come twice. Authorization: Bearer as on every route (read the stream with fetch; EventSource cannot send it).',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'The stream of notices', schema: { type: 'string' } })
  @ApiErrors(401, 403)
  async stream(@CurrentActor() actor: Actor, @Res() reply: FastifyReply): Promise<void> {
    // The stream is written to Node's response itself: Fastify lets go of the reply, and the headers
    // set on it so far (the RateLimit fields) are carried over.
    reply.hijack();
    const req = reply.request.raw;
    const res = reply.raw;
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) res.setHeader(name, value);
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // nginx and its kin pass the stream on as it comes instead of buffering it.
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write(`retry: ${RETRY_MS}\n\n`);

    let ended = false;
    const stopListening = this.bus.listen((message) => {
      if (!ended && mayHear(actor, message)) res.write(`data: ${JSON.stringify(noticeOf(message))}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const lifetime = setTimeout(() => end(), STREAM_LIFETIME_MS);
    heartbeat.unref();
    lifetime.unref();
    const stopOnClose = this.bus.onClose(() => end());
    function end(): void {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      clearTimeout(lifetime);
      stopListening();
      stopOnClose();
      if (!res.writableEnded) res.end();
    }
    req.on('close', end);
    res.on('close', end);

    await this.bus.whenSubscribed();
    if (!ended) res.write('event: ready\ndata: {}\n\n');
  }
}
