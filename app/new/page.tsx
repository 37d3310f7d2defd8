// /new: post a photo (app/components/compose/NewPostForm.tsx; the API is POST /api/posts).
import type { Metadata } from "next";
import { NEW_POST_PATH } from "@/shared/routes";
import { requireUser } from "@/server/session";
import { NewPostForm } from "../components/compose/NewPostForm";

export const metadata: Metadata = { title: "New post" };

export default async function NewPostPage() {
  await requireUser(NEW_POST_PATH);
  return (
    <main className="page page--new-post">
      <h1 className="page-title">New post</h1>
      <NewPostForm />
    </main>
  );
}
