import { useState } from 'react';
import { api } from '../api';
import { useAsync } from '../hooks';

/**
 * Who is signed in, and a button that ends the browser's session (POST /logout clears the session cookie), on a
 * shared viewer only: a local viewer has no sign-in. A fetch, not a form: the app's CSP allows no form posts.
 */
export function SignOut() {
  const me = useAsync(() => api.me(), []);
  const [failed, setFailed] = useState<string | null>(null);
  if (!me.data?.browserSession) return null;
  const signOut = async () => {
    setFailed(null);
    try {
      const response = await fetch('/logout', { method: 'POST', redirect: 'manual', credentials: 'same-origin' });
      // 303 to /login (an opaque redirect under redirect: 'manual'): the cookie is cleared either way.
      if (response.type !== 'opaqueredirect' && !response.ok) throw new Error(`sign-out failed (HTTP ${response.status})`);
      window.location.assign('/login');
    } catch (error) {
      setFailed((error as Error).message);
    }
  };
  return (
    <span className="topbar-user" data-testid="signed-in">
      <span title="signed in as">{me.data.labeller}</span>
      <button type="button" className="topbar-signout" onClick={() => void signOut()}>
        Sign out
      </button>
      {failed && <span className="topbar-error">{failed}</span>}
    </span>
  );
}
