// PUT (like) and DELETE (unlike) /api/posts/:id/like on the Next.js floor: the app's like
// statement (bench/floor-api.ts).
import { likeAnswer } from "../../../../../../floor-api";
import { answer } from "../../../../answer";

type Context = { params: Promise<{ id: string }> };

const toggle = (liked: boolean) => async (request: Request, context: Context) =>
  answer(await likeAnswer(request.headers.get("x-user-id"), (await context.params).id, liked));

export const PUT = toggle(true);
export const DELETE = toggle(false);
