import { AuthService } from '#identity';
import { QUEUE_NAMES } from '#queue';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';

/** Where the queues' page is served (outside /api/v1: it is a page of its own, not the api). */
export const QUEUES_BOARD_PATH = '/admin/queues';
/** The cookie that carries an admin's queues pass (POST /api/v1/auth/queues-pass sets it). */
export const QUEUES_PASS_COOKIE = 'desk_queues_pass';

/** The value of one cookie of a Cookie header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * The admins' view of the real BullMQ queues (bull-board): counts, jobs, their data and errors,
 * retrying and cleaning. A browser tab opened from the console carries no bearer header, so the page
 * takes the short-lived queues pass the console asked for, as an HttpOnly cookie scoped to this path;
 * without one it answers 401 and says how to get one.
 */
export function mountQueuesBoard(app: NestFastifyApplication): void {
  const adapter = new FastifyAdapter();
  adapter.setBasePath(QUEUES_BOARD_PATH);
  createBullBoard({
    queues: QUEUE_NAMES.map((name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name), { strict: false }))),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'One-thing desk queues' } },
  });
  const auth = app.get(AuthService);
  const instance = app.getHttpAdapter().getInstance();
  // Every path under the board's, whether the board has it or not, as express's app.use(path) matched.
  const underBoard = /^\/admin\/queues(\/|\?|$)/i;
  // After the body's parsing (preValidation), as the check came after body-parser on Express.
  instance.addHook('preValidation', async (request, reply) => {
    if (!underBoard.test(request.raw.url ?? '')) return;
    const pass = cookieValue(request.headers.cookie, QUEUES_PASS_COOKIE);
    const admin = pass ? await auth.verifyQueuesPass(pass) : null;
    if (admin) return;
    return reply
      .code(401)
      .type('text/plain; charset=utf-8')
      .send(
        '队列监控仅限管理员：请在控制台以管理员登录，从“队列监控”打开本页。\n' +
          'Admins only: sign in to the console as an admin and open it from "Queues".\n',
      );
  });
  // The board's page loads only its own scripts, from this path: the api's CSP (configure-app.ts) holds.
  void instance.register(adapter.registerPlugin(), { prefix: QUEUES_BOARD_PATH });
}
