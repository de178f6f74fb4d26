import { droppedKeys } from './strict-validation.pipe.js';

class Limit {
  value = 1;
}

class Body {
  name = 'x';
  limit = new Limit();
  items = [new Limit()];
  form: Record<string, unknown> = {};
}

describe('droppedKeys', () => {
  it('names the keys of the raw body the DTO lost, with their path', () => {
    const raw = {
      name: 'x',
      toString: 1,
      limit: { value: 1, valueOf: 2 },
      items: [{ value: 1, hasOwnProperty: 3 }],
      form: {},
    };
    expect(droppedKeys(raw, new Body())).toEqual([
      'property toString should not exist',
      'limit: property valueOf should not exist',
      'items.0: property hasOwnProperty should not exist',
    ]);
  });

  it('does not look into fields kept as sent', () => {
    const dto = Object.assign(new Body(), { form: { toString: 'kept' } });
    expect(droppedKeys({ name: 'x', form: { toString: 'kept', valueOf: 1 } }, dto)).toEqual([]);
  });
});
