"use client";
import { useState } from "react";
import { api, ApiError } from "@/app/lib/api-client";
import { SignOutEverywhereIcon } from "../icons";

/**
 * Ends every session of this user, in every browser (DELETE /api/sessions): their sockets close at
 * once and their next request finds no session. The answer clears this browser's cookie too.
 */
/**
 * A full page load, as next-auth's signOut does, so no state of the signed-out user outlives them
 * (a client-side navigation would keep this tab's stores and socket bindings in memory).
 */
function toSignIn(): void {
  // eslint-disable-next-line @next/next/no-location-assign-relative-destination -- deliberately not the router
  window.location.assign("/signin");
}

export function SignOutEverywhereButton() {
  const [pending, setPending] = useState(false);
  const [failed, setFailed] = useState(false);
  const label = failed ? "Sign out everywhere (failed, try again)" : "Sign out everywhere";
  return (
    <button
      type="button"
      className="icon-button sign-out-everywhere"
      data-testid="sign-out-everywhere"
      aria-label={label}
      title={label}
      disabled={pending}
      onClick={() => {
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
          });
      }}
    >
      <SignOutEverywhereIcon />
    </button>
  );
}
