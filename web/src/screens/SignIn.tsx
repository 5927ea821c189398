/** Sign in with name and password; the server sets the session cookie. */
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api.ts';
import { useTitle } from '../hooks.ts';
import { useSession } from '../session.tsx';

export function SignInScreen() {
  useTitle('Sign in');
  const { signIn } = useSession();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(name.trim(), password);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" className="sign-in">
      <form onSubmit={(event) => void submit(event)} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to Crosslink</h1>
        <label htmlFor="sign-in-name">User name</label>
        <input id="sign-in-name" name="username" autoComplete="username" required autoFocus value={name} onChange={(event) => setName(event.target.value)} />
        <label htmlFor="sign-in-password">Password</label>
        <input id="sign-in-password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
        {error && (
          <p className="problem" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">Everything you open is recorded in the audit log. Media are never shown unless you choose to look.</p>
      </form>
    </main>
  );
}
