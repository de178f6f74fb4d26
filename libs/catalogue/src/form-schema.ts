import type { JsonObject } from '#common';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * An item's form as JSON Schema (draft 2020-12's older sibling draft-07, which Ajv speaks by
 * default): the admin states it on a version, every submission's `form` is checked against it.
 * Strict: a schema with an unknown keyword or format is refused when the version is made, not
 * ignored when a company applies.
 */
const ajv = new Ajv({
  allErrors: true,
  strict: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  allowUnionTypes: true,
});
addFormats.default(ajv);

/** Compiled schemas, one per schema text: versions are immutable, so a text always compiles the same. */
const compiled = new Map<string, ValidateFunction>();
const MAX_COMPILED = 500;

/** The problems of a schema itself, said in words; empty when Ajv takes it. */
export function formSchemaProblems(schema: JsonObject): string[] {
  if (schema.type !== undefined && schema.type !== 'object')
    return ['formSchema must describe an object (type: object)'];
  try {
    validatorOf(schema);
    return [];
  } catch (error) {
    return [`formSchema is not a valid JSON Schema: ${(error as Error).message}`];
  }
}

function validatorOf(schema: JsonObject): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, validate);
  }
  return validate;
}

/** Where a problem is, as the api names fields: `form`, `form.capital`, `form.shareholders.0.name`. */
function pathOf(error: ErrorObject): string {
  const pointer = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
  return ['form', ...pointer].join('.');
}

/** One problem in words: the field, and the rule it broke. */
function problemOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const at = pathOf(error);
  switch (error.keyword) {
    case 'required':
      return `${at}.${String(params.missingProperty)} is required`;
    case 'additionalProperties':
      return `${at}.${String(params.additionalProperty)} is not a field of this form`;
    case 'type':
      return `${at} must be of type ${String(params.type)}`;
    case 'enum':
      return `${at} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `${at} must equal ${JSON.stringify(params.allowedValue)}`;
    case 'minLength':
      return `${at} must be at least ${String(params.limit)} characters`;
    case 'maxLength':
      return `${at} must be at most ${String(params.limit)} characters`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${at} must be ${String(params.comparison)} ${String(params.limit)}`;
    case 'multipleOf':
      return `${at} must be a multiple of ${String(params.multipleOf)}`;
    case 'pattern':
      return `${at} must match the pattern ${String(params.pattern)}`;
    case 'format':
      return `${at} must be a valid ${String(params.format)}`;
    case 'minItems':
      return `${at} must have at least ${String(params.limit)} items`;
    case 'maxItems':
      return `${at} must have at most ${String(params.limit)} items`;
    case 'uniqueItems':
      return `${at} must not repeat an item`;
    default:
      return `${at} breaks the form's rule ${error.keyword}`;
  }
}

/** What is wrong with a form against its item's schema, a sentence per field and rule; empty when it fits. */
export function formProblems(schema: JsonObject | null, form: JsonObject): string[] {
  if (!schema) return [];
  const validate = validatorOf(schema);
  if (validate(form)) return [];
  return [...new Set((validate.errors ?? []).map(problemOf))];
}
