// Signed in or not: the token comes from sessionStorage, the sign-in form, or (outside
// production) the development token the server offers.
import { useCallback, useState } from 'preact/hooks';
import { ActionCenter } from './action-center.js';
import { forgetToken, type Session, sessionFromToken, storedToken, storeToken } from './session.js';
import { SignIn } from './sign-in.js';

function initialSession(): Session | null {
  const token = storedToken();
  if (!token) return null;
  const session = sessionFromToken(token);
  return 'problem' in session ? null : session;
}

export function App() {
  const [session, setSession] = useState<Session | null>(initialSession);
  const [reason, setReason] = useState<string | null>(null);

  const signIn = useCallback((next: Session) => {
    storeToken(next.token);
    setReason(null);
    setSession(next);
  }, []);
  const signOut = useCallback((why: string | null) => {
    forgetToken();
    setReason(why);
    setSession(null);
  }, []);

  if (!session) return <SignIn reason={reason} onSignIn={signIn} />;
  return <ActionCenter session={session} onSignOut={signOut} />;
}
