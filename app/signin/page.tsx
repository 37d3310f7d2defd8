// /signin?callbackUrl=/somewhere  The one page for signed-out visitors.
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getSessionUser } from "@/server/session";
import { safeCallbackUrl } from "@/shared/routes";
import { LogoMark } from "../components/icons";
import { SignInForm } from "../components/signin/SignInForm";

export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SignInPage({ searchParams }: Props) {
  const callbackUrl = safeCallbackUrl((await searchParams).callbackUrl);
  if (await getSessionUser()) redirect(callbackUrl);

  return (
    <main className="signin-page">
      <div className="signin-card">
        <div className="signin-card__brand">
          <LogoMark size={48} />
          <h1>Sign in to Likes</h1>
          <p>Photos from friends, and hearts that arrive the moment they are given.</p>
        </div>
        <SignInForm callbackUrl={callbackUrl} />
      </div>
    </main>
  );
}
