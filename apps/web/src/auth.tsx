import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { api, getToken, setToken, type Schemas, unwrap } from './api/client';
import { LiveProvider } from './live';

export type User = Schemas['UserDto'];
export type Role = User['role'];

interface Session {
  user: User | null;
  /** True while the token kept from an earlier page load is being checked. */
  restoring: boolean;
  login: (username: string, password: string) => Promise<User>;
  logout: () => void;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [restoring, setRestoring] = useState(getToken() !== null);

  useEffect(() => {
    if (getToken() === null) return;
    api
      .GET('/api/v1/users/me')
      .then((result) => setUser(unwrap(result)))
      .catch(() => setToken(null))
      .finally(() => setRestoring(false));
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const session = unwrap(await api.POST('/api/v1/auth/login', { body: { username, password } }));
    setToken(session.accessToken);
    setUser(session.user);
    return session.user;
  }, []);

  const logout = useCallback(() => {
    setToken(null);
    setUser(null);
  }, []);

  return (
    <SessionContext.Provider value={{ user, restoring, login, logout }}>
      {/* Keyed by the user: another sign-in in the tab opens a stream of its own. */}
      <LiveProvider key={user?.id ?? 'none'} signedIn={user !== null}>
        {children}
      </LiveProvider>
    </SessionContext.Provider>
  );
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
