/**
 * How deeply a request body may nest arrays and objects. class-transformer and class-validator
 * walk a body recursively, so a 1 MB body of `[[[[…]]]]` (half a million levels) would overflow
 * the stack and answer 500; no real request nests more than a few levels. MariaDB's JSON columns
 * hold at most 32 levels, and a stored body (a form) may be wrapped in a few more (a request view,
 * an idempotent response), so bodies stop well below that.
 */
export const MAX_JSON_DEPTH = 24;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x5b, 0x7b]);
const CLOSERS = new Set([0x5d, 0x7d]);

/**
 * The deepest nesting of arrays and objects in a JSON text, found by scanning it without parsing;
 * stops counting once it passes `stopAbove`. Brackets inside strings do not count.
 */
export function jsonDepth(text: string, stopAbove = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (OPENERS.has(code)) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > stopAbove) return deepest;
    } else if (CLOSERS.has(code)) {
      depth--;
    }
  }
  return deepest;
}

/** A body's bytes as text in its charset. */
export function decodeBody(body: Buffer, encoding: string | null | undefined): string {
  try {
    return new TextDecoder(encoding ?? 'utf-8').decode(body);
  } catch {
    // A charset TextDecoder does not know (utf-32): its ASCII brackets and quotes still show as bytes.
    return body.toString('latin1');
  }
}

/**
 * How many items (array elements and object members) a request body may hold in all. Each costs
 * class-transformer and class-validator a walk, and a list of DTOs far more: 300,000 empty objects
 * in a 900 KB `deferredMaterials` (a list of at most 200) held the event loop for 4 s. No real
 * request comes near: 200 materials, 50 steps, a form of a few hundred fields.
 */
export const MAX_JSON_ITEMS = 10_000;

const COMMA = 0x2c;

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * The items (array elements and object members) of a JSON text, counted by scanning it without
 * parsing: a container's first item, then one more for each comma in it. Stops counting once it
 * passes `stopAbove`.
 */
export function jsonItems(text: string, stopAbove = Number.POSITIVE_INFINITY): number {
  let items = 0;
  let inString = false;
  /** For each open array or object: whether an item has been seen in it. */
  const seen: boolean[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
      continue;
    }
    if (WHITESPACE.has(code)) continue;
    if (CLOSERS.has(code)) {
      seen.pop();
      continue;
    }
    const top = seen.length - 1;
    if (top >= 0 && !seen[top]) {
      seen[top] = true;
      items++;
    }
    if (code === COMMA) items++;
    else if (code === QUOTE) inString = true;
    else if (OPENERS.has(code)) seen.push(false);
    if (items > stopAbove) return items;
  }
  return items;
}

/** body-parser's `verify` hook: refuses a body of more than MAX_JSON_ITEMS items with 400 before it is parsed. */
export function rejectManyItems(_req: unknown, _res: unknown, body: Buffer, encoding?: string | null): void {
  if (jsonItems(decodeBody(body, encoding), MAX_JSON_ITEMS) > MAX_JSON_ITEMS) {
    throw Object.assign(
      new Error(`request body has more than ${MAX_JSON_ITEMS} items (array elements and object members)`),
      { status: 400, type: 'entity.too.many.items' },
    );
  }
}

/**
 * body-parser's `verify` hook: refuses a body that is not a JSON object with 400 before it is
 * parsed. Every body this api takes is an object; strict mode alone lets an array through, which
 * a route whose fields are all optional took as an empty body (`[]` withdrew a request) and
 * others answered with "property 0 should not exist".
 */
export function rejectNonObjectJson(_req: unknown, _res: unknown, body: Buffer, encoding?: string | null): void {
  const text = decodeBody(body, encoding);
  const first = /\S/.exec(text);
  if (first && first[0] !== '{') {
    throw Object.assign(new Error('request body must be a JSON object'), { status: 400, type: 'entity.not.object' });
  }
}

/** body-parser's `verify` hook: refuses an over-deep body with 400 before it is parsed. */
export function rejectDeepJson(_req: unknown, _res: unknown, body: Buffer, encoding?: string | null): void {
  if (jsonDepth(decodeBody(body, encoding), MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw Object.assign(new Error(`request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`), {
      status: 400,
      type: 'entity.too.deep',
    });
  }
}
