import type { OpenApiDocument, Parameter, Schema } from './openapi-arbitraries.js';

/**
 * Whether a value breaks the documented schema, read as the api's validation reads it: unknown
 * properties are refused (whitelist), an optional property may be null, lengths count code points,
 * numbers in a path are read with Number(). Returns the first fault, or null when the value fits.
 * Formats and rules the document does not state (not blank, a real date) are not checked: a value
 * that fits may still be refused, but one that does not fit must be.
 */
export function schemaFault(doc: OpenApiDocument, input: Schema, value: unknown, at = 'body'): string | null {
  const schema = resolve(doc, input);
  if (value === null && schema.nullable) return null;
  if (schema.oneOf) {
    return schema.oneOf.some((s) => schemaFault(doc, s, value, at) === null) ? null : `${at} fits none of its forms`;
  }
  switch (schema.type) {
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return `${at} is not an object`;
      const properties = schema.properties ?? {};
      if (Object.keys(properties).length === 0) return schema.additionalProperties ? null : emptyObject(value, at);
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) if (!(key in properties)) return `${at}.${key} is not a property`;
      for (const [key, property] of Object.entries(properties)) {
        const present = key in record && record[key] !== undefined;
        const required = schema.required?.includes(key) ?? false;
        if (!present || (!required && record[key] === null)) {
          if (required) return `${at}.${key} is missing`;
          continue;
        }
        const fault = schemaFault(doc, property, record[key], `${at}.${key}`);
        if (fault) return fault;
      }
      return null;
    }
    case 'array': {
      if (!Array.isArray(value)) return `${at} is not an array`;
      if (schema.minItems !== undefined && value.length < schema.minItems) return `${at} has too few items`;
      if (schema.maxItems !== undefined && value.length > schema.maxItems) return `${at} has too many items`;
      for (let i = 0; i < value.length; i++) {
        const fault = schemaFault(doc, schema.items ?? {}, value[i], `${at}[${i}]`);
        if (fault) return fault;
      }
      return null;
    }
    case 'string':
      return typeof value === 'string' ? stringFault(schema, value, at) : `${at} is not a string`;
    case 'integer':
    case 'number':
      return typeof value === 'number' ? numberFault(schema, value, at) : `${at} is not a number`;
    case 'boolean':
      return typeof value === 'boolean' ? null : `${at} is not a boolean`;
    default:
      return null;
  }
}

/** Whether a path parameter's text breaks its documented schema (numbers read with Number(), as class-transformer does). */
export function parameterFault(parameter: Parameter, text: string): string | null {
  const schema = parameter.schema;
  const at = `${parameter.in} ${parameter.name}`;
  if (schema.type === 'integer' || schema.type === 'number') return numberFault(schema, Number(text), at);
  return stringFault(schema, text, at);
}

function resolve(doc: OpenApiDocument, schema: Schema): Schema {
  if (schema.$ref) return doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')];
  if (schema.allOf?.length === 1) return resolve(doc, schema.allOf[0]);
  return schema;
}

const emptyObject = (value: object, at: string) => {
  const [key] = Object.keys(value);
  return key === undefined ? null : `${at}.${key} is not a property`;
};

function stringFault(schema: Schema, value: string, at: string): string | null {
  const length = [...value].length;
  if (schema.enum && !schema.enum.includes(value)) return `${at} is not one of its values`;
  if (schema.minLength !== undefined && length < schema.minLength) return `${at} is too short`;
  if (schema.maxLength !== undefined && length > schema.maxLength) return `${at} is too long`;
  if (schema.pattern && !new RegExp(schema.pattern).test(value)) return `${at} does not match its pattern`;
  return null;
}

function numberFault(schema: Schema, value: number, at: string): string | null {
  if (!Number.isFinite(value)) return `${at} is not a finite number`;
  if (schema.type === 'integer' && !Number.isInteger(value)) return `${at} is not an integer`;
  if (schema.minimum !== undefined && value < schema.minimum) return `${at} is below its minimum`;
  if (schema.maximum !== undefined && value > schema.maximum) return `${at} is above its maximum`;
  return null;
}
