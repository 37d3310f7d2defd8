"use client";
import { signOut } from "next-auth/react";
import { useState } from "react";
import { SignOutIcon } from "../icons";

export function SignOutButton() {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      className="icon-button sign-out"
      data-testid="sign-out"
      aria-label="Sign out"
      title="Sign out"
      disabled={pending}
      onClick={() => {
        setPending(true);
        // Clears the session cookie, then loads /signin (a full page load, so no state outlives the user).
        void signOut({ callbackUrl: "/signin" });
      }}
    >
      <SignOutIcon />
    </button>
  );
}
