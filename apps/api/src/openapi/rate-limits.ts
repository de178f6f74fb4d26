import type { OpenAPIObject, OperationObject, PathItemObject, ResponseObject } from '@nestjs/swagger';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const header = (name: string) => ({ $ref: `#/components/headers/${name}` });
const RATE_LIMIT_HEADERS = { 'RateLimit-Policy': header('RateLimit-Policy'), RateLimit: header('RateLimit') };

/**
 * Declares the per-caller rate limit (RateLimitGuard) on every operation that needs a login, in one
 * place: the RateLimit-Policy and RateLimit headers on each of its answers once the caller is known (all
 * but the 401), and the 429 with Retry-After.
 */
export function withRateLimits(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.headers = {
    ...document.components.headers,
    'RateLimit-Policy': {
      description:
        'The caller\'s quota (draft-ietf-httpapi-ratelimit-headers): the policy is named after the role, `q` requests per `w` seconds, e.g. `"clerk";q=600;w=60`',
      schema: { type: 'string', example: '"clerk";q=600;w=60' },
    },
    RateLimit: {
      description: 'What is left of the quota: `r` requests in the next `t` seconds, e.g. `"clerk";r=598;t=41`',
      schema: { type: 'string', example: '"clerk";r=598;t=41' },
    },
    'Retry-After': {
      description: 'Seconds to wait before the next request',
      schema: { type: 'integer', minimum: 1, example: 41 },
    },
  };
  document.components.responses = {
    ...document.components.responses,
    TooManyRequests: {
      description: "Over the caller's rate limit (RATE_LIMIT_<ROLE> requests per RATE_LIMIT_WINDOW seconds)",
      headers: { ...RATE_LIMIT_HEADERS, 'Retry-After': header('Retry-After') },
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } },
    },
  };
  for (const path of Object.values(document.paths) as PathItemObject[]) {
    for (const method of METHODS) {
      const operation: OperationObject | undefined = path[method];
      if (!operation?.security?.some((requirement) => Object.keys(requirement).length > 0)) continue;
      for (const [status, response] of Object.entries(operation.responses)) {
        // A 401 is answered before anyone is known, so before any count.
        if (status === '401' || !response || '$ref' in response) continue;
        (response as ResponseObject).headers = { ...(response as ResponseObject).headers, ...RATE_LIMIT_HEADERS };
      }
      operation.responses['429'] = { $ref: '#/components/responses/TooManyRequests' };
    }
  }
  return document;
}
