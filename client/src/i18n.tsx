import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

export type Lang = 'zh' | 'en';

const STORAGE_KEY = 'yjs.lang';
const TITLE = { zh: '一件事一次办', en: 'One matter, one visit' } as const;

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  /** Picks the string for the current language: t('中文', 'English'). */
  t(zh: string, en: string): string;
}

const Context = createContext<I18n>({ lang: 'zh', setLang: () => undefined, t: (zh) => zh });

function initial(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initial);
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      /* private mode: the choice lasts for this page only */
    }
  }, []);
  // Also on load: a reader chosen English last time must be told the page is English.
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    // The title index.html gives, on pages that set none of their own (a page's own title is set
    // by its effect, which runs before this one and is left alone).
    if (document.title === TITLE.zh || document.title === TITLE.en) document.title = TITLE[lang];
  }, [lang]);
  const value = useMemo<I18n>(() => ({ lang, setLang, t: (zh, en) => (lang === 'en' ? en : zh) }), [lang, setLang]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useI18n(): I18n {
  return useContext(Context);
}
