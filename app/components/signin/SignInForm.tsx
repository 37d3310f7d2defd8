"use client";
// Username + password through next-auth's Credentials provider, without a page reload.
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

const DEMO_USERS = ["alice", "bob", "carol"] as const;
const DEMO_PASSWORD = "demo1234";

const WRONG_CREDENTIALS = "Wrong username or password.";
const RATE_LIMITED = "Too many failed attempts for this username. Please wait a few minutes, then try again.";
const UNREACHABLE = "Couldn't reach the server. Check your connection and try again.";

export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const router = useRouter();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError(null);
    const outcome = await attemptSignIn(username, password, callbackUrl);
    if (outcome === "ok") {
      // Stay pending: the page is about to change. refresh() re-renders the root layout, which
      // now finds the session and mounts the header and the realtime connection.
      router.replace(callbackUrl);
      router.refresh();
      return;
    }
    setPending(false);
    setError(outcome === "rate_limited" ? RATE_LIMITED : outcome === "unreachable" ? UNREACHABLE : WRONG_CREDENTIALS);
  }

  return (
    <form className="signin-form" onSubmit={onSubmit} aria-busy={pending}>
      <label className="field">
        <span className="field__label">Username</span>
        <input
          className="field__input"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          maxLength={32}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
      </label>
      <label className="field">
        <span className="field__label">Password</span>
        <input
          className="field__input"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          maxLength={256}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      {error && (
        <p className="signin-error" data-testid="signin-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="button button--primary button--block" disabled={pending}>
        {pending && <span className="spinner" aria-hidden="true" />}
        Sign in
      </button>

      <aside className="demo-hint" aria-label="Demo accounts">
        <p className="demo-hint__title">Demo accounts</p>
        <p>
          Password <code>{DEMO_PASSWORD}</code> for each. Pick one to fill the form:
        </p>
        <div className="demo-hint__users">
          {DEMO_USERS.map((name) => (
            <button
              key={name}
              type="button"
              className="chip"
              onClick={() => {
                setUsername(name);
                setPassword(DEMO_PASSWORD);
                setError(null);
              }}
            >
              {name}
            </button>
          ))}
        </div>
      </aside>
    </form>
  );
}

type Outcome = "ok" | "wrong_credentials" | "rate_limited" | "unreachable";

async function attemptSignIn(username: string, password: string, callbackUrl: string): Promise<Outcome> {
  try {
    const result = await signIn("credentials", { username, password, redirect: false, callbackUrl });
    if (result?.ok && !result.error) return "ok";
    if (result?.status === 429 || result?.error === "rate_limited") return "rate_limited";
    return "wrong_credentials";
  } catch {
    // next-auth v4's signIn() throws when the answer is not one of its own: nginx's per-address
    // 429 ({"error":{...}}, no "url"; the app's own 429 carries one) or no answer at all. A
    // harmless request tells the two apart.
    return (await serverReachable()) ? "rate_limited" : "unreachable";
  }
}

async function serverReachable(): Promise<boolean> {
  try {
    return (await fetch("/api/auth/csrf", { cache: "no-store" })).ok;
  } catch {
    return false;
  }
}
