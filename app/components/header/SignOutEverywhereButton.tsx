"use client";
import { useEffect, useState } from "react";
import { api, ApiError } from "@/app/lib/api-client";
import { SignOutEverywhereIcon } from "../icons";

/** How long the button waits for the confirming click before it goes back to rest. */
const CONFIRM_WINDOW_MS = 4_000;

/**
 * A full page load, as next-auth's signOut does, so no state of the signed-out user outlives them
 * (a client-side navigation would keep this tab's stores and socket bindings in memory).
 */
function toSignIn(): void {
  // eslint-disable-next-line @next/next/no-location-assign-relative-destination -- deliberately not the router
  window.location.assign("/signin");
}

/**
 * Ends every session of this user, in every browser (DELETE /api/sessions): their sockets close at
 * once and their next request finds no session. The answer clears this browser's cookie too.
 * It signs out the user's other devices as well, so it asks first: the first click arms it (the
 * button says what a second click will do), a second click within a few seconds does it; leaving
 * the button, Escape or the wait puts it back.
 */
export function SignOutEverywhereButton() {
  const [armed, setArmed] = useState(false);
  const [pending, setPending] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (!armed || pending) return;
    const timer = setTimeout(() => setArmed(false), CONFIRM_WINDOW_MS);
    return () => clearTimeout(timer);
  }, [armed, pending]);

  const signOutEverywhere = () => {
    setPending(true);
    setFailed(false);
    api
      .signOutEverywhere()
      .then(toSignIn)
      .catch((error: unknown) => {
        // 401: this session had already ended (signed out elsewhere): the outcome asked for.
        if (error instanceof ApiError && error.status === 401) return toSignIn();
        setFailed(true);
        setPending(false);
        setArmed(false);
      });
  };

  const label = armed
    ? "Confirm: sign out on every device"
    : failed
      ? "Sign out everywhere (failed, try again)"
      : "Sign out everywhere";
  return (
    <button
      type="button"
      className={`icon-button sign-out-everywhere${armed ? " sign-out-everywhere--armed" : ""}`}
      data-testid="sign-out-everywhere"
      aria-label={label}
      title={label}
      disabled={pending}
      onClick={() => (armed ? signOutEverywhere() : setArmed(true))}
      onBlur={() => !pending && setArmed(false)}
      onKeyDown={(event) => event.key === "Escape" && !pending && setArmed(false)}
    >
      <SignOutEverywhereIcon />
      {armed ? <span className="sign-out-everywhere__confirm">Sign out all?</span> : null}
    </button>
  );
}
