import { applyDecorators } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, ValidateNested } from 'class-validator';

/**
 * A list of at most `max` DTOs, each an object and validated. `@ValidateNested` alone passes a list
 * of lists (`[[{…}]]`, each inner object valid), which reached the domain as arrays without codes.
 * A list that is too long is refused by its size: only its first `max + 1` entries are validated
 * one by one (class-validator walked every entry of a 10,000-entry list to refuse a list of 200).
 */
export function ListOf(type: () => new () => object, max: number): PropertyDecorator {
  return applyDecorators(
    IsArray(),
    ArrayMaxSize(max),
    IsObject({ each: true, message: 'each of $property must be an object' }),
    ValidateNested({ each: true }),
    Type(type),
    Transform(
      ({ value }: { value: unknown }) =>
        Array.isArray(value) && value.length > max + 1 ? value.slice(0, max + 1) : value,
      {
        toClassOnly: true,
      },
    ),
  );
}
