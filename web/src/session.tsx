/** Who is signed in, shared by every screen; sign-in and sign-out. */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, del, get, onSessionLost, post, setCsrfToken } from './api.ts';
import { closeEvents } from './hooks.ts';
import type { Session, User } from './types.ts';

interface SessionState {
  user: User | null;
  checking: boolean;
  signIn: (name: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [checking, setChecking] = useState(true);

  const accept = useCallback((session: Session | null) => {
    setCsrfToken(session?.csrfToken ?? null);
    setUser(session?.user ?? null);
    if (!session) closeEvents();
  }, []);

  useEffect(() => {
    onSessionLost(() => accept(null));
    get<Session>('/api/session')
      .then(accept, (error: unknown) => {
        if (!(error instanceof ApiError) || error.status !== 401) console.warn('session check failed', error);
        accept(null);
      })
      .finally(() => setChecking(false));
    return () => onSessionLost(null);
  }, [accept]);

  const signIn = useCallback(
    async (name: string, password: string) => {
      accept(await post<Session>('/api/session', { name, password }));
    },
    [accept],
  );

  const signOut = useCallback(async () => {
    try {
      await del('/api/session');
    } finally {
      accept(null);
    }
  }, [accept]);

  const value = useMemo(() => ({ user, checking, signIn, signOut }), [user, checking, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

/** The signed-in user; screens below the sign-in gate may rely on it. */
export function useUser(): User {
  const { user } = useSession();
  if (!user) throw new Error('no user signed in');
  return user;
}
