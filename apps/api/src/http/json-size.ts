import { ValidateBy, type ValidationOptions } from 'class-validator';

/** The value, as JSON, fits in `maxBytes` of UTF-8: keeps free-form JSON fields to a bounded size. */
export function MaxJsonSize(maxBytes: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxJsonSize',
      constraints: [maxBytes],
      validator: {
        validate: (value: unknown) => {
          try {
            return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8') <= maxBytes;
          } catch {
            return false;
          }
        },
        defaultMessage: () => `$property must be at most ${maxBytes} bytes as JSON`,
      },
    },
    options,
  );
}
