import { untranslated } from './helpers.js';

// After each spec file: every error message its requests met is one the catalogue speaks in Chinese.
afterAll(() => {
  const missing = [...untranslated];
  untranslated.clear();
  if (missing.length > 0) {
    throw new Error(
      `error messages with no Chinese in the message catalogue (libs/common/src/messages/):\n${missing.join('\n')}`,
    );
  }
});
