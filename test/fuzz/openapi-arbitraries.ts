import fc from 'fast-check';
import { DATES, hostileKey, hostileText, hostileValue } from './hostile.js';

/**
 * fast-check arbitraries generated from the OpenAPI document that @nestjs/swagger builds from the
 * DTOs: every route with its path, query and header parameters and its body schema, values of the
 * documented shape (types, enums, patterns, lengths, bounds, required fields) mixed with hostile
 * ones. Values that must name real rows (an item code, a request id) are drawn from pools the test
 * fills as it goes, through `Pick` placeholders resolved when the case is sent.
 */

export interface Schema {
  $ref?: string;
  allOf?: Schema[];
  oneOf?: Schema[];
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: (string | number | null)[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: Schema;
}

interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  security?: Record<string, string[]>[];
  responses: Record<string, unknown>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

export interface Route {
  method: string;
  /** The path template, `{name}` for each path parameter. */
  path: string;
  operationId: string;
  parameters: Parameter[];
  body?: Schema;
  /** The route takes a multipart/form-data upload instead of JSON. */
  multipart: boolean;
  /** The route needs a bearer token. */
  secured: boolean;
  documented: number[];
}

export function routesOf(doc: OpenApiDocument): Route[] {
  return Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      operationId: op.operationId,
      parameters: op.parameters ?? [],
      body: op.requestBody?.content['application/json']?.schema,
      multipart: op.requestBody?.content['multipart/form-data'] !== undefined,
      secured: (op.security ?? []).length > 0,
      documented: Object.keys(op.responses).map(Number),
    })),
  );
}

/** Stands for a value drawn, when the case is sent, from a pool of real ones (`pool[index % size]`). */
export class Pick {
  constructor(
    readonly pool: string,
    readonly index: number,
    /** For pools of `a|b|…` entries: which part (Picks with one index name parts of one entry). */
    readonly part?: number,
  ) {}

  toString(): string {
    return `pick(${this.pool}#${this.index}${this.part === undefined ? '' : `.${this.part}`})`;
  }
}

export type Pools = Record<string, readonly string[]>;

/** Replaces every Pick in a value by the pool's value (a pool that is empty gives a code nothing has). */
export function resolvePicks(value: unknown, pools: Pools): unknown {
  if (value instanceof Pick) {
    const pool = pools[value.pool] ?? [];
    if (pool.length === 0) return `NONE-${value.pool.toUpperCase()}`;
    const picked = pool[value.index % pool.length];
    return value.part === undefined ? picked : picked.split('|')[value.part];
  }
  if (Array.isArray(value)) return value.map((v) => resolvePicks(v, pools));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolvePicks(v, pools);
    return out;
  }
  return value;
}

/**
 * Where a value should come from a pool: `Schema.property` for body fields (`Schema.property[]`
 * for the items of an array field), `path:name` and `query:name` for parameters.
 */
export type Hints = Record<string, string>;

const pick = (pool: string): fc.Arbitrary<Pick> => fc.nat().map((i) => new Pick(pool, i));

/** A string of exactly `n` code points of one kind: the edge of a column. */
const ofLength = (n: number): fc.Arbitrary<string> =>
  fc.constantFrom('a', '字', '😀', '𠀀', "'", '<').map((unit) => unit.repeat(Math.max(0, n)));

function stringArbitrary(schema: Schema): fc.Arbitrary<string> {
  if (schema.enum) {
    // A nullable enum lists null (OpenAPI 3.0.3); the strings are the others.
    const values = schema.enum.filter((v) => v !== null).map(String);
    return fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...values) },
      { weight: 1, arbitrary: fc.constantFrom(...values).map((v) => v.toUpperCase()) },
      { weight: 1, arbitrary: fc.constantFrom(...values).map((v) => ` ${v}`) },
    );
  }
  if (schema.pattern) {
    const matching = fc.stringMatching(new RegExp(schema.pattern), { maxLength: schema.maxLength ?? 64 });
    return fc.oneof(
      { weight: 8, arbitrary: matching },
      { weight: 1, arbitrary: matching.map((s) => `${s}\n`) },
      { weight: 1, arbitrary: matching.map((s) => s.toLowerCase()) },
    );
  }
  if (schema.format === 'date-time') {
    return fc.oneof(
      {
        weight: 6,
        arbitrary: fc
          .tuple(
            fc.date({
              min: new Date('1990-01-01T00:00:00Z'),
              max: new Date('2110-01-01T00:00:00Z'),
              noInvalidDate: true,
            }),
            fc.constantFrom('Z', '+08:00', '-05:00', '+14:00', '-12:00', '+00:00'),
          )
          .map(([date, offset]) => date.toISOString().replace('Z', offset)),
      },
      { weight: 3, arbitrary: fc.constantFrom(...DATES) },
    );
  }
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 200;
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.string({ unit: 'grapheme', minLength: Math.max(min, 1), maxLength: Math.min(max, 30) }),
    },
    { weight: 3, arbitrary: hostileText.filter((s) => [...s].length >= min && [...s].length <= max) },
    { weight: 1, arbitrary: ofLength(max) },
    { weight: 1, arbitrary: ofLength(max + 1) },
    { weight: 1, arbitrary: ofLength(min - 1) },
  );
}

function numberArbitrary(schema: Schema): fc.Arbitrary<number> {
  const min = schema.minimum ?? -1_000_000;
  const max = schema.maximum ?? 1_000_000;
  const edges = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(min, max) },
    { weight: 1, arbitrary: fc.constantFrom(min - 1, max + 1) },
  );
  if (schema.type === 'integer') {
    return fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) },
      { weight: 3, arbitrary: edges },
      { weight: 1, arbitrary: fc.constantFrom(min + 0.5, -0.5) },
    );
  }
  return fc.oneof(
    { weight: 4, arbitrary: fc.double({ min, max, noNaN: true }) },
    {
      weight: 4,
      arbitrary: fc.integer({ min: Math.ceil(min * 1000), max: Math.floor(max * 1000) }).map((n) => n / 1000),
    },
    { weight: 2, arbitrary: edges },
  );
}

/** A free-form JSON object (a request's form): the keys and values a person, or an attacker, types. */
const freeForm: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }) },
    { weight: 1, arbitrary: hostileText },
  ),
  fc.oneof(
    { weight: 4, arbitrary: hostileText },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.integer() },
  ),
  { maxKeys: 6 },
);

export class SchemaArbitraries {
  constructor(
    private readonly doc: OpenApiDocument,
    private readonly hints: Hints,
  ) {}

  /** `$ref` and single `allOf` resolved; the name of the component it is, if any. */
  resolve(schema: Schema): { schema: Schema; name?: string } {
    if (schema.$ref) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      return { schema: this.doc.components.schemas[name], name };
    }
    if (schema.allOf?.length === 1) return this.resolve(schema.allOf[0]);
    return { schema };
  }

  /** Values of the documented shape; a field with a hint draws from its pool half of the time. */
  valid(input: Schema, hint?: string, itemHint?: string, depth = 0): fc.Arbitrary<unknown> {
    const { schema, name } = this.resolve(input);
    const own = this.shaped(schema, name, itemHint, depth);
    return hint ? fc.oneof({ weight: 3, arbitrary: pick(hint) }, { weight: 2, arbitrary: own }) : own;
  }

  private shaped(
    schema: Schema,
    name: string | undefined,
    itemHint: string | undefined,
    depth: number,
  ): fc.Arbitrary<unknown> {
    if (schema.oneOf) return fc.oneof(...schema.oneOf.map((s) => this.valid(s, undefined, undefined, depth + 1)));
    // The null member of a nullable reference (`oneOf: [ref, {nullable, enum: [null]}]`).
    if (schema.nullable && schema.enum?.length === 1 && schema.enum[0] === null) return fc.constant(null);
    switch (schema.type) {
      case 'object': {
        if (!schema.properties || Object.keys(schema.properties).length === 0) {
          return schema.additionalProperties ? freeForm : fc.constant({});
        }
        const model: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [prop, propSchema] of Object.entries(schema.properties)) {
          const hint = name ? this.hints[`${name}.${prop}`] : undefined;
          const itemsHint = name ? this.hints[`${name}.${prop}[]`] : undefined;
          model[prop] = this.valid(propSchema, hint, itemsHint, depth + 1);
        }
        // Mostly every field, so the body gets past validation; sometimes the optional ones are left out.
        return fc.oneof(
          { weight: 3, arbitrary: fc.record(model) },
          { weight: 2, arbitrary: fc.record(model, { requiredKeys: schema.required ?? [] }) },
        );
      }
      case 'array': {
        const items = this.valid(schema.items ?? {}, itemHint, undefined, depth + 1);
        const minLength = schema.minItems ?? 0;
        const maxLength = schema.maxItems ?? 20;
        return fc.oneof(
          {
            weight: 8,
            arbitrary: fc.array(items, { minLength, maxLength: Math.min(Math.max(minLength, 4), maxLength) }),
          },
          { weight: 1, arbitrary: fc.array(items, { minLength: maxLength, maxLength }) },
          { weight: 1, arbitrary: fc.array(items, { minLength: maxLength + 1, maxLength: maxLength + 1 }) },
        );
      }
      case 'string':
        return stringArbitrary(schema);
      case 'integer':
      case 'number':
        return numberArbitrary(schema);
      case 'boolean':
        return fc.boolean();
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  }
}

/** One change to a valid-shaped body: a field set to a hostile value, a field removed, a field added. */
export type Mutation =
  | { kind: 'set'; at: number; value: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'add'; at: number; key: string; value: unknown };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: hostileKey, value: hostileValue }),
  },
);

type Container = Record<string, unknown> | unknown[];

/** Every object or array in a value with each of its keys: the places a mutation can land. */
function slots(value: unknown, out: [Container, string | number][] = []): [Container, string | number][] {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push([value, i]);
      slots(v, out);
    });
  } else if (value !== null && typeof value === 'object' && !(value instanceof Pick)) {
    for (const [k, v] of Object.entries(value)) {
      out.push([value as Record<string, unknown>, k]);
      slots(v, out);
    }
  }
  return out;
}

function containers(value: unknown, out: Container[] = []): Container[] {
  if (Array.isArray(value)) {
    out.push(value);
    value.forEach((v) => containers(v, out));
  } else if (value !== null && typeof value === 'object' && !(value instanceof Pick)) {
    out.push(value as Record<string, unknown>);
    Object.values(value).forEach((v) => containers(v, out));
  }
  return out;
}

/** Applies the mutations to a deep copy of the body (Picks kept as they are). */
export function mutate(body: unknown, mutations: readonly Mutation[]): unknown {
  const copy = structuredCopy(body);
  for (const change of mutations) {
    // Generated values may be shared between cases (fc.constantFrom hands out one instance): copied,
    // so a later mutation never edits a value another case will use.
    const m = change.kind === 'delete' ? change : { ...change, value: structuredCopy(change.value) };
    if (m.kind === 'add') {
      const targets = containers(copy);
      if (targets.length === 0) continue;
      const target = targets[m.at % targets.length];
      if (Array.isArray(target)) target.push(m.value);
      else
        Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      continue;
    }
    const places = slots(copy);
    if (places.length === 0) continue;
    const [container, key] = places[m.at % places.length];
    if (m.kind === 'set') (container as Record<string | number, unknown>)[key] = m.value;
    else if (Array.isArray(container)) container.splice(key as number, 1);
    else delete container[key as string];
  }
  return copy;
}

function structuredCopy(value: unknown): unknown {
  if (value instanceof Pick) return value;
  if (Array.isArray(value)) return value.map(structuredCopy);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, { value: structuredCopy(v), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/**
 * A value's JSON text with one key of one object written twice (JSON.stringify cannot), the first
 * time with `duplicateValue`; `duplicated` is false when the value has no object with a key.
 */
export function jsonWithDuplicateKey(
  value: unknown,
  duplicateAt: number,
  duplicateValue: unknown,
): { text: string; duplicated: boolean } {
  let objectIndex = 0;
  let done = false;
  const objects = containers(value).filter((c) => !Array.isArray(c) && Object.keys(c).length > 0).length;
  const target = objects > 0 ? duplicateAt % objects : -1;
  const write = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(write).join(',')}]`;
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      const here = entries.length > 0 ? objectIndex++ : -1;
      const parts = entries.map(([k, x]) => `${JSON.stringify(k)}:${write(x)}`);
      if (here >= 0 && here === target && !done) {
        done = true;
        const [k] = entries[duplicateAt % entries.length];
        parts.unshift(`${JSON.stringify(k)}:${JSON.stringify(duplicateValue) ?? 'null'}`);
      }
      return `{${parts.join(',')}}`;
    }
    return JSON.stringify(v) ?? 'null';
  };
  const text = write(value);
  return { text, duplicated: done };
}
