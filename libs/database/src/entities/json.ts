// The JSON column types live in #common so that libraries below the database (audit) can name them.
export type { JsonObject, JsonValue } from '#common';
