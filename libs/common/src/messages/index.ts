import type { Language } from '../language.js';
import { DESK_MESSAGES } from './catalogue-desk.js';
import { FIELD_MESSAGES } from './catalogue-fields.js';
import { FILES_MESSAGES } from './catalogue-files.js';
import { HTTP_MESSAGES } from './catalogue-http.js';
import { LICENCE_MESSAGES } from './catalogue-licences.js';
import { OPERATIONS_MESSAGES } from './catalogue-operations.js';
import { PLACES_MESSAGES } from './catalogue-places.js';
import { SERVICE_ACCOUNT_MESSAGES } from './catalogue-service-accounts.js';
import { Translator } from './translate.js';
import { WEBHOOK_MESSAGES } from './catalogue-webhooks.js';

export { type CatalogueEntry, placeholders, Translator } from './translate.js';

/** The message catalogue: every message a person can get from the api, in English and Chinese. */
export const CATALOGUE = [
  ...HTTP_MESSAGES,
  ...FIELD_MESSAGES,
  ...DESK_MESSAGES,
  ...PLACES_MESSAGES,
  ...FILES_MESSAGES,
  ...LICENCE_MESSAGES,
  ...WEBHOOK_MESSAGES,
  ...SERVICE_ACCOUNT_MESSAGES,
  ...OPERATIONS_MESSAGES,
] as const;

const translator = new Translator(CATALOGUE);

/** The message in the reader's language (the code writes English; Chinese is the desk's default). */
export function speak(text: string, language: Language): string {
  return translator.translate(text, language);
}

/** Whether the catalogue has the whole message in Chinese. */
export const catalogueKnows = (text: string): boolean => translator.knows(text);
