import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { en } from './locales/en';
import { type MessageKey, zhCN } from './locales/zh-CN';

export type Lang = 'zh-CN' | 'en';
const CATALOGUES: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };
const STORAGE_KEY = 'one-thing.lang';

let current: Lang = (localStorage.getItem(STORAGE_KEY) as Lang | null) === 'en' ? 'en' : 'zh-CN';
/** The language the api is asked to answer in (Accept-Language), outside React too. */
export const currentLang = (): Lang => current;

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;
const LangContext = createContext<{ lang: Lang; setLang: (lang: Lang) => void; t: Translate } | null>(null);

function format(text: string, params?: Record<string, string | number>): string {
  return params ? text.replace(/\{(\w+)\}/g, (all, name: string) => String(params[name] ?? all)) : text;
}

export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(current);
  const setLang = useCallback((next: Lang) => {
    current = next;
    localStorage.setItem(STORAGE_KEY, next);
    document.documentElement.lang = next;
    setLangState(next);
  }, []);
  const value = useMemo(() => {
    const t: Translate = (key, params) => format(CATALOGUES[lang][key] ?? key, params);
    return { lang, setLang, t };
  }, [lang, setLang]);
  return <LangContext.Provider value={value}>{children}</LangContext.Provider>;
}

function useLangContext() {
  const context = useContext(LangContext);
  if (!context) throw new Error('useT outside LangProvider');
  return context;
}

export const useT = (): Translate => useLangContext().t;
export const useLang = (): [Lang, (lang: Lang) => void] => {
  const { lang, setLang } = useLangContext();
  return [lang, setLang];
};
/** A key built at run time (a status, an action) that may not be in the catalogue. */
export const dynamicKey = (key: string) => key as MessageKey;
