// Signed in or not: the token comes from sessionStorage, the sign-in form, or (outside
// production) the development token the server offers.
import { useCallback, useState } from 'preact/hooks';
import { ActionCenter } from './action-center.js';
import { forgetToken, type Session, sessionFromToken, storedToken, storeToken } from './session.js';
import { SignIn } from './sign-in.js';

/** The stored token's session, or why it can no longer be used (e.g. it expired). */
function initialState(): { session: Session | null; reason: string | null } {
  const token = storedToken();
  if (!token) return { session: null, reason: null };
  const session = sessionFromToken(token);
  if (!('problem' in session)) return { session, reason: null };
  forgetToken();
  return { session: null, reason: session.problem };
}

export function App() {
  const [initial] = useState(initialState);
  const [session, setSession] = useState<Session | null>(initial.session);
  const [reason, setReason] = useState<string | null>(initial.reason);

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
