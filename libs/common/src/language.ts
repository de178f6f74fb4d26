/** The languages people read the desk in: Chinese first, English on request. */
export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** `lang` when given, else the first of Accept-Language's languages that the desk speaks, else zh-CN. */
export function preferredLanguage(lang: string | undefined, acceptLanguage: string | string[] | undefined): Language {
  if (lang === 'en' || lang === 'zh-CN') return lang;
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : (acceptLanguage ?? '');
  for (const part of header.split(',')) {
    const tag = part.split(';')[0].trim().toLowerCase();
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh-CN';
}
