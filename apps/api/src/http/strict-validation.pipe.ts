import { type ArgumentMetadata, BadRequestException, Injectable, ValidationPipe } from '@nestjs/common';

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object';

/**
 * Keys of `raw` that `dto` lost on the way, with their path: class-transformer skips a key that
 * names a method the instance inherits (`toString`, `valueOf`, `hasOwnProperty`…), so whitelist
 * validation never sees it. Fields kept as sent (a form, a form schema) are plain objects, not
 * DTOs, and are not looked into.
 */
export function droppedKeys(raw: unknown, dto: unknown, path = ''): string[] {
  if (!isRecord(raw) || !isRecord(dto)) return [];
  if (Array.isArray(raw)) {
    if (!Array.isArray(dto)) return [];
    return raw.flatMap((item, i) => droppedKeys(item, dto[i], `${path}${i}.`));
  }
  if (Object.getPrototypeOf(dto) === Object.prototype) return [];
  return Object.keys(raw).flatMap((key) =>
    Object.prototype.hasOwnProperty.call(dto, key)
      ? droppedKeys(raw[key], (dto as Record<string, unknown>)[key], `${path}${key}.`)
      : [path ? `${path.slice(0, -1)}: property ${key} should not exist` : `property ${key} should not exist`],
  );
}

/**
 * The global ValidationPipe, also refusing the unknown properties class-transformer drops before
 * whitelist validation could name them (docs/api.md: unknown fields are a 400). Without it
 * `{code, name, toString}` created a department and `?valueOf=1` listed one.
 */
@Injectable()
export class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const result: unknown = await super.transform(value, metadata);
    if (metadata.type === 'custom') return result;
    const dropped = droppedKeys(value, result);
    if (dropped.length > 0) throw new BadRequestException(dropped);
    return result;
  }
}
