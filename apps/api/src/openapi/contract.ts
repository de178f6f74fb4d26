import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * What the decorators cannot say once per route, said once for the whole document: where the api is,
 * which routes are public, the answers every route may give (500, 429, the request id), the bounds
 * the validators enforce, and nullable references in a form strict validators read as meant.
 * `openApiDocument` (configure-app.ts) applies it; docs/openapi.json is its output.
 */

type Json = Record<string, unknown>;
type Operation = Json & { security?: unknown[]; responses: Record<string, Json>; requestBody?: Json };

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
const ERROR_BODY = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } };
const INT32_MAX = 2 ** 31 - 1;

export function completeDocument(document: OpenAPIObject): OpenAPIObject {
  // Paths carry their prefix (/api/v1, /health), so the api is wherever the document was fetched from.
  document.servers = [
    {
      url: '/',
      description: 'the api that served this document, in production as in a local run (paths carry /api/v1)',
      'x-internal': false,
    } as NonNullable<OpenAPIObject['servers']>[number],
  ];
  const bearer = document.components?.securitySchemes?.bearer as Json | undefined;
  if (bearer) {
    bearer.description =
      'A JWT from POST /api/v1/auth/login (HS256, checked as RFC8725 advises: algorithm pinned, expiry required), ' +
      'or a service account’s API key `otk_…`';
  }
  for (const operation of operations(document)) {
    // A route without a bearer requirement is public: say so, rather than leave it unsaid.
    operation.security ??= [];
    optionalBodyWhenNothingIsRequired(document, operation);
    if ((operation.requestBody?.content as Json | undefined)?.['application/json']) {
      operation.responses['413'] ??= { description: 'The body is over 1 MB', content: ERROR_BODY };
      operation.responses['415'] ??= { description: 'The body is not JSON', content: ERROR_BODY };
    }
    operation.responses['500'] ??= {
      description: 'A fault of the service (logged without the request’s values); never an answer to input',
      content: ERROR_BODY,
    };
    // Every route reads MySQL (the health checks report it); the exception filter maps its absence here.
    operation.responses['503'] ??= {
      description:
        'MySQL is unavailable for a moment (down, restarting or out of connections), or busy with this record; ' +
        'nothing of the call was committed: send it again (with the same Idempotency-Key)',
      content: ERROR_BODY,
      headers: {
        'Retry-After': {
          description: 'seconds to wait before trying again (given while the database is unavailable)',
          required: false,
          schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 86_400 },
        },
      },
    };
  }
  declareRateLimits(document);
  declareRequestId(document);
  walkSchemas(document, (schema) => {
    nullableReference(schema);
    nullableEnum(schema);
    integerFormat(schema);
    lengthFromPattern(schema);
  });
  return document;
}

/**
 * Per-caller rate limiting of the authenticated routes (RateLimitGuard; IETF draft
 * httpapi-ratelimit-headers): every answer of such a route once the caller is known carries
 * `RateLimit-Policy` and `RateLimit`, the policy named after the caller's role (declared optional: a
 * 401, and a body refused before the guards run, carry none); past the quota the answer is a 429 with `Retry-After`. The
 * public routes are not under it (the login has its own limits, documented on its route).
 */
function declareRateLimits(document: OpenAPIObject): void {
  const rateLimitHeaders = {
    'RateLimit-Policy': {
      description:
        'the caller’s quota (draft-ietf-httpapi-ratelimit-headers), named after its role: `q` requests per `w` seconds, e.g. `"clerk";q=600;w=60`',
      required: false,
      schema: { type: 'string', maxLength: 256 },
    },
    RateLimit: {
      description: 'what is left of the quota: `r` requests in the next `t` seconds, e.g. `"clerk";r=598;t=41`',
      required: false,
      schema: { type: 'string', maxLength: 256 },
    },
  };
  for (const operation of operations(document)) {
    // Public routes, and those a scraper reads with its own token (x-rate-limited: false), are not counted.
    if (!operation.security?.length || (operation as Json)['x-rate-limited'] === false) continue;
    operation.responses['429'] ??= {
      description:
        'Over the caller’s rate limit (RATE_LIMIT_<ROLE> requests per RATE_LIMIT_WINDOW seconds): Retry-After says when to come back',
      content: ERROR_BODY,
    };
    for (const [status, response] of Object.entries(operation.responses)) {
      // Optional everywhere: a 401 (no caller known yet) and a body refused before the guards carry none.
      if (status.startsWith('2') || status.startsWith('4')) {
        response.headers = { ...(response.headers as Json | undefined), ...rateLimitHeaders };
      }
    }
  }
  for (const operation of operations(document)) {
    const tooMany = operation.responses['429'];
    if (tooMany) {
      tooMany.headers = {
        ...(tooMany.headers as Json | undefined),
        'Retry-After': {
          description: 'seconds to wait before trying again',
          required: true,
          schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 86_400 },
        },
      };
    }
  }
}

/**
 * Every answer names its request (the logs' id): the caller's own X-Request-Id echoed, or a new one.
 * It is given before anything else runs (withRequestId), so a body refused while it is read has it too.
 */
function declareRequestId(document: OpenAPIObject): void {
  for (const operation of operations(document)) {
    for (const response of Object.values(operation.responses)) {
      response.headers = {
        ...(response.headers as Json | undefined),
        'X-Request-Id': {
          description: 'the id of this request in the logs: the X-Request-Id sent, or a new UUID',
          required: true,
          schema: { type: 'string', maxLength: 128 },
        },
      };
    }
  }
}

/** A body of optional fields only may be left out altogether (an empty POST is read as `{}`). */
function optionalBodyWhenNothingIsRequired(document: OpenAPIObject, operation: Operation): void {
  const content = operation.requestBody?.content as Record<string, { schema?: Json }> | undefined;
  const schema = content?.['application/json']?.schema;
  if (!schema) return;
  const resolved =
    typeof schema.$ref === 'string'
      ? (document.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')] as Json | undefined)
      : schema;
  if (resolved?.type === 'object' && !(resolved.required as unknown[] | undefined)?.length) {
    operation.requestBody!.required = false;
  }
}

/**
 * `{allOf: [ref], nullable: true}` (as @nestjs/swagger writes a nullable DTO property) reads, to a
 * strict OpenAPI 3.0 validator, as "null or an object, and always the referenced object": null fails.
 * `oneOf` the reference or null says what the api answers.
 */
function nullableReference(schema: Json): void {
  const allOf = schema.allOf as Json[] | undefined;
  if (schema.nullable !== true || allOf?.length !== 1 || typeof allOf[0].$ref !== 'string') return;
  schema.oneOf = [allOf[0], { type: 'object', nullable: true, enum: [null] }];
  delete schema.allOf;
  delete schema.nullable;
  delete schema.type;
}

/** A nullable enum lists null among its values (OpenAPI 3.0.3), or a strict validator refuses the null. */
function nullableEnum(schema: Json): void {
  if (schema.nullable === true && Array.isArray(schema.enum) && !schema.enum.includes(null)) {
    schema.enum = [...(schema.enum as unknown[]), null];
  }
}

/** int32 when the documented range fits it, else int64. */
function integerFormat(schema: Json): void {
  if (schema.type !== 'integer' || schema.format !== undefined) return;
  const fits =
    typeof schema.maximum === 'number' &&
    schema.maximum <= INT32_MAX &&
    (typeof schema.minimum !== 'number' || schema.minimum >= -INT32_MAX - 1);
  schema.format = fits ? 'int32' : 'int64';
}

/** A string the validators hold to an anchored pattern of bounded length is at most that long. */
function lengthFromPattern(schema: Json): void {
  if (schema.type !== 'string' || typeof schema.pattern !== 'string' || schema.maxLength !== undefined) return;
  const max = patternMaxLength(schema.pattern);
  if (max !== undefined) schema.maxLength = max;
}

/**
 * The longest string (in characters) an anchored pattern matches, or undefined when unbounded or not
 * understood. Reads the subset the api's patterns use: literals, escapes, classes, groups with `|`,
 * and the quantifiers `?`, `{n}`, `{m,n}`.
 */
function patternMaxLength(pattern: string): number | undefined {
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || pattern.endsWith('\\$')) return undefined;
  let at = 1;
  const body = pattern.slice(0, -1);
  const sequence = (): number | undefined => {
    let alternatives: number[] = [];
    let total = 0;
    while (at < body.length && body[at] !== ')') {
      if (body[at] === '|') {
        alternatives.push(total);
        total = 0;
        at++;
        continue;
      }
      const atom = atomLength();
      if (atom === undefined) return undefined;
      const times = quantifier();
      if (times === undefined) return undefined;
      total += atom * times;
    }
    alternatives = [...alternatives, total];
    return Math.max(...alternatives);
  };
  const atomLength = (): number | undefined => {
    const char = body[at];
    if (char === '(') {
      at++;
      if (body.startsWith('?:', at)) at += 2;
      const inner = sequence();
      if (body[at] !== ')') return undefined;
      at++;
      return inner;
    }
    if (char === '[') {
      const end = body.indexOf(']', at + 2);
      if (end < 0) return undefined;
      at = end + 1;
      return 1;
    }
    if (char === '\\') {
      at += 2;
      return 1;
    }
    if ('*+^$'.includes(char)) return undefined;
    at++;
    return 1;
  };
  const quantifier = (): number | undefined => {
    const char = body[at];
    if (char === '*' || char === '+') return undefined;
    if (char === '?') {
      at++;
      return 1;
    }
    if (char !== '{') return 1;
    const match = /^\{(\d+)(,(\d*))?\}/.exec(body.slice(at));
    if (!match) return undefined;
    at += match[0].length;
    if (match[2] === undefined) return Number(match[1]);
    return match[3] ? Number(match[3]) : undefined;
  };
  const length = sequence();
  return at === body.length ? length : undefined;
}

function operations(document: OpenAPIObject): Operation[] {
  return Object.values(document.paths).flatMap((item) =>
    METHODS.map((method) => (item as Record<string, Operation | undefined>)[method]).filter(
      (operation): operation is Operation => operation !== undefined,
    ),
  );
}

/** Every schema object of the document, components and inline ones, depth first. */
function walkSchemas(document: OpenAPIObject, visit: (schema: Json) => void): void {
  const seen = new Set<unknown>();
  const walk = (node: unknown, isSchema: boolean): void => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const entry of node) walk(entry, isSchema);
      return;
    }
    const record = node as Json;
    if (isSchema) visit(record);
    for (const [key, value] of Object.entries(record)) {
      if (isSchema && (key === 'properties' || key === 'patternProperties')) {
        for (const property of Object.values(value as Json)) walk(property, true);
      } else if (isSchema && key === 'enum') continue;
      else
        walk(
          value,
          key === 'schema' ||
            (isSchema && ['items', 'additionalProperties', 'allOf', 'oneOf', 'anyOf', 'not'].includes(key)),
        );
    }
  };
  walk(document.paths, false);
  for (const schema of Object.values(document.components?.schemas ?? {})) walk(schema, true);
}
