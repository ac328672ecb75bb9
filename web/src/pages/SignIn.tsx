// Sign-in: paste a token (kept for this browser session only), see who you are.
import { useState, type FormEvent } from "react";
import { useViewer } from "../auth/viewer";
import { navigate } from "../router";

export function SignInPage({ reason }: { reason?: string }) {
  const viewer = useViewer();
  const [token, setTokenText] = useState("");
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!token.trim()) return;
    setBusy(true);
    const ok = await viewer.signIn(token);
    setBusy(false);
    if (ok && window.location.pathname === "/signin") navigate("/");
  };

  if (!viewer.needsSignIn && viewer.authEnabled && viewer.name) {
    return (
      <section className="signin" aria-labelledby="signin-title">
        <h1 id="signin-title">Signed in</h1>
        <p>
          You are <strong data-testid="viewer-name">{viewer.name}</strong>, with the scopes{" "}
          <span data-testid="viewer-scopes">{viewer.scopes.join(", ") || "none"}</span>.
        </p>
        <button type="button" onClick={viewer.signOut}>
          Sign out
        </button>
      </section>
    );
  }
  if (!viewer.authEnabled && !viewer.needsSignIn) {
    return (
      <section className="signin" aria-labelledby="signin-title">
        <h1 id="signin-title">No sign-in needed</h1>
        <p>Authentication is off on this server: everyone may read and change everything.</p>
      </section>
    );
  }
  return (
    <section className="signin" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in to Weft</h1>
      <p>
        {reason ?? "This server needs a token."} Paste an API token (an admin creates one with{" "}
        <code>weft token create NAME --scopes read,review</code>). It is kept for this browser session only.
      </p>
      <form onSubmit={submit}>
        <label htmlFor="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={token}
          onChange={(e) => setTokenText(e.target.value)}
          autoFocus
        />
        <button type="submit" disabled={busy || !token.trim()}>
          {busy ? "Checking…" : "Sign in"}
        </button>
      </form>
      {viewer.error && (
        <p role="alert" className="error">
          {viewer.error}
        </p>
      )}
    </section>
  );
}
