import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, setCsrfToken } from './api';

export type Role = 'citizen' | 'staff' | 'designer' | 'reviewer' | 'clerk' | 'admin';

export interface User {
  id: string;
  name: string;
  role: Role;
  department?: string;
}

interface Auth {
  user: User | null;
  /** False until the first /api/auth/me has answered. */
  ready: boolean;
  login(userId: string): Promise<User>;
  logout(): Promise<void>;
}

const Context = createContext<Auth>({ user: null, ready: false, login: () => Promise.reject(new Error('no provider')), logout: () => Promise.resolve() });

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    api<{ user: User | null; csrfToken: string | null }>('GET', '/api/auth/me')
      .then((r) => {
        setCsrfToken(r.csrfToken ?? '');
        setUser(r.user);
      })
      .catch((e: unknown) => console.error(e))
      .finally(() => setReady(true));
  }, []);

  const login = useCallback(async (userId: string) => {
    const r = await api<{ user: User; csrfToken: string }>('POST', '/api/auth/dev-login', { user: userId });
    setCsrfToken(r.csrfToken);
    setUser(r.user);
    return r.user;
  }, []);

  const logout = useCallback(async () => {
    const out = await api<{ endSessionUrl: string } | undefined>('POST', '/api/auth/logout');
    setCsrfToken('');
    setUser(null);
    // Signed in through the identity provider: end its session too, or the next sign-in would
    // come straight back as the same person. The provider redirects back to this site.
    if (out?.endSessionUrl) {
      window.location.assign(out.endSessionUrl);
      // The page is leaving: never settle, so no caller navigates within it meanwhile.
      return new Promise<void>(() => undefined);
    }
  }, []);

  const value = useMemo(() => ({ user, ready, login, logout }), [user, ready, login, logout]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useAuth(): Auth {
  return useContext(Context);
}
