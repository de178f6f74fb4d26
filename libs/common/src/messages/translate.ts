import type { Language } from '../language.js';

/**
 * One entry of the message catalogue: the English text the code writes (its message id, as in
 * gettext) and its Chinese. `{name}` marks a value the code puts in; the Chinese places the same
 * names where Chinese puts them. A name ending in `Text` (`{problemText}`) holds words, not a code
 * or a number: the entry applies only when the catalogue has those words too, so no message comes
 * out half Chinese, half English.
 */
export type CatalogueEntry = readonly [en: string, zh: string];

interface Compiled {
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly zh: string;
  /** The characters the template fixes: the more, the more specific, and the earlier it is tried. */
  readonly fixed: number;
}

const PLACEHOLDER = /\{([a-zA-Z][a-zA-Z0-9]*)\}/g;
/** How deep a value is looked up in turn (a value that is itself a message, and so on). */
const MAX_DEPTH = 4;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

/**
 * What a value may be. A field names what the client sent (`limit`, `materials.1.code`): no space,
 * no colon. A code, a number or a state is one word: so "published item {code}" cannot take
 * "X not found" for its code. Anything else (a list, a value as sent, words) may be any text.
 */
const ONE_WORD = new Set([
  'id',
  'code',
  'uscc',
  'key',
  'number',
  'version',
  'username',
  'state',
  'level',
  'role',
  'method',
  'item',
]);
function valuePattern(name: string): string {
  if (name === 'field') return '([^\\s:]+)';
  return ONE_WORD.has(name) ? '(\\S+)' : '([\\s\\S]+?)';
}

function compile([en, zh]: CatalogueEntry): Compiled {
  const names = placeholders(en);
  const parts = en.split(PLACEHOLDER);
  // split() with a capture group alternates fixed text and placeholder names.
  const source = parts.map((part, i) => (i % 2 === 0 ? escape(part) : valuePattern(part))).join('');
  return {
    pattern: new RegExp(`^${source}$`),
    names,
    zh,
    fixed: parts.filter((_, i) => i % 2 === 0).join('').length,
  };
}

/**
 * Speaks a message in the reader's language. The code writes English (logs stay English); the
 * catalogue gives each English message its Chinese. A message is matched whole against the
 * catalogue, most specific entry first, and each value it carries is looked up in turn, so
 * "request 42 not found" is "{what} not found" with "request {id}" inside. A message the catalogue
 * does not know is returned as written.
 */
export class Translator {
  private readonly entries: readonly Compiled[];
  private readonly exact: ReadonlyMap<string, string>;

  constructor(catalogue: readonly CatalogueEntry[]) {
    const compiled = catalogue.map(compile);
    this.exact = new Map(catalogue.filter(([en]) => placeholders(en).length === 0).map(([en, zh]) => [en, zh]));
    this.entries = compiled.filter((c) => c.names.length > 0).sort((a, b) => b.fixed - a.fixed);
  }

  translate(text: string, language: Language): string {
    return language === 'en' ? text : (this.zh(text, 0) ?? text);
  }

  /** Whether the catalogue has a Chinese for the whole of `text`. */
  knows(text: string): boolean {
    return this.zh(text, 0) !== undefined;
  }

  private zh(text: string, depth: number): string | undefined {
    const exact = this.exact.get(text);
    if (exact !== undefined) return exact;
    if (depth >= MAX_DEPTH) return undefined;
    for (const entry of this.entries) {
      const match = entry.pattern.exec(text);
      if (!match) continue;
      const values = new Map<string, string>();
      let words = true;
      entry.names.forEach((name, i) => {
        const value = match[i + 1];
        const zh = this.zh(value, depth + 1);
        if (zh === undefined && name.endsWith('Text')) words = false;
        values.set(name, zh ?? value);
      });
      if (!words) continue;
      return entry.zh.replace(PLACEHOLDER, (whole, name: string) => values.get(name) ?? whole);
    }
    return undefined;
  }
}
