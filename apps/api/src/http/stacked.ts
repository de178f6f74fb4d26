/**
 * Decorators that read as a stack above a property, applied as TypeScript applies a stack: the lowest
 * first. class-validator keeps a property's checks in the order they are applied, so a composite
 * written this way checks and reports exactly as the same decorators written out one by one.
 */
export function stacked(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => {
    for (const decorator of [...decorators].reverse()) decorator(target, key);
  };
}
