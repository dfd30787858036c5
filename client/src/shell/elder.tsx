import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ThemeConfig } from 'antd';

// 适老化: the national guidelines for elderly-friendly government websites ask for larger type,
// stronger contrast and bigger targets, switched on from every page and remembered.

const STORAGE_KEY = 'yjs.elder';

interface Elder {
  elder: boolean;
  setElder(on: boolean): void;
}

const Context = createContext<Elder>({ elder: false, setElder: () => undefined });

function initial(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) === '1';
  } catch {
    return false;
  }
}

export function ElderProvider({ children }: { children: ReactNode }) {
  const [elder, setState] = useState<boolean>(initial);
  const setElder = useCallback((on: boolean) => {
    setState(on);
    try {
      localStorage.setItem(STORAGE_KEY, on ? '1' : '0');
    } catch {
      /* private mode: the choice lasts for this page only */
    }
  }, []);
  // The class lets plain CSS (the form widgets, the stepper) follow the theme's sizes.
  useEffect(() => {
    document.documentElement.classList.toggle('elder', elder);
  }, [elder]);
  const value = useMemo(() => ({ elder, setElder }), [elder, setElder]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useElder(): Elder {
  return useContext(Context);
}

const BASE: ThemeConfig['token'] = { colorPrimary: '#1d5fbf' };

/** Type of at least 18 px, near-black text, a darker blue and 44 px targets. */
const ELDER: ThemeConfig['token'] = {
  colorPrimary: '#0b3f8f',
  colorText: '#000000',
  colorTextSecondary: '#262626',
  colorTextDescription: '#262626',
  colorTextTertiary: '#333333',
  colorTextPlaceholder: '#595959',
  colorTextQuaternary: '#595959',
  colorTextDisabled: '#595959',
  colorError: '#a8071a',
  colorSuccess: '#237804',
  colorLink: '#0b3f8f',
  fontSize: 18,
  fontSizeSM: 16,
  fontSizeLG: 20,
  fontSizeHeading1: 34,
  fontSizeHeading2: 28,
  fontSizeHeading3: 24,
  lineHeight: 1.7,
  controlHeight: 44,
  controlHeightSM: 36,
  controlHeightLG: 52,
};

export function themeTokens(elder: boolean): ThemeConfig['token'] {
  return elder ? { ...BASE, ...ELDER } : BASE;
}
