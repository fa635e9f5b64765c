import { useEffect, useState } from 'preact/hooks';
import { type Session, sessionFromToken } from './session.js';

interface Props {
  reason: string | null;
  onSignIn(session: Session): void;
}

/** The server offers a development token outside production (404 otherwise). */
async function fetchDevelopmentToken(): Promise<string | null> {
  const response = await fetch('/action-center/dev-token', {
    headers: { accept: 'application/json' },
  });
  if (!response.ok) return null;
  const body = (await response.json()) as { token?: unknown };
  return typeof body.token === 'string' ? body.token : null;
}

export function SignIn({ reason, onSignIn }: Props) {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | null>(reason);
  const [developmentToken, setDevelopmentToken] = useState<string | null>(null);
  useEffect(() => {
    fetchDevelopmentToken().then(setDevelopmentToken, () => setDevelopmentToken(null));
  }, []);

  const use = (raw: string) => {
    const session = sessionFromToken(raw);
    if ('problem' in session) setProblem(session.problem);
    else onSignIn(session);
  };

  return (
    <main class="sign-in">
      <h1>Quell Action Center</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          use(token);
        }}
      >
        <label for="access-token">Access token</label>
        <textarea
          id="access-token"
          rows={4}
          value={token}
          autoComplete="off"
          spellcheck={false}
          onInput={(event) => setToken(event.currentTarget.value)}
        />
        {problem && (
          <p role="alert" class="problem">
            {problem}
          </p>
        )}
        <button type="submit" disabled={!token.trim()}>
          Sign in
        </button>
        {developmentToken && (
          <button type="button" class="secondary" onClick={() => use(developmentToken)}>
            Use the development token
          </button>
        )}
      </form>
      <p class="hint">
        The token stays in this tab (sessionStorage) and is sent as a bearer header; it never goes
        into a URL or a cookie.
      </p>
    </main>
  );
}
