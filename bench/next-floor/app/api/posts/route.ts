// GET /api/posts?limit=N on the Next.js floor: the app's feed statement (bench/floor-api.ts).
import { feedAnswer } from "../../../../floor-api";
import { answer } from "../../answer";

export async function GET(request: Request): Promise<Response> {
  return answer(await feedAnswer(request.headers.get("x-user-id"), new URL(request.url).searchParams.get("limit")));
}
