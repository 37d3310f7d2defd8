// GET /uploads/<sha256>.jpg  A posted photo, for `npm run dev` without nginx. Everywhere nginx runs
// (npm run stack, docker compose, the tests) it serves /uploads/ itself, straight from the
// directory, and this handler is never reached. Same rules: only names the app makes, cached
// forever (the name is the content's hash).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { UPLOAD_NAME, uploadsDir } from "@/server/uploads";

export async function GET(_req: Request, ctx: { params: Promise<{ name: string }> }) {
  const { name } = await ctx.params;
  if (!UPLOAD_NAME.test(name)) return new Response("Not found", { status: 404 });
  const bytes = await readFile(path.join(uploadsDir(), name)).catch(() => null);
  if (!bytes) return new Response("Not found", { status: 404 });
  return new Response(bytes, {
    headers: {
      "Content-Type": "image/jpeg",
      "Cache-Control": "public, max-age=31536000, immutable",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
