// Any /api path that no route handles: a JSON 404, never Next's HTML page.
import { errorResponse, open } from "@/server/api";

// Through open(), like every API answer: logged, traced, and counted as route "unmatched".
const notFound = open<{ path: string[] }>(async () => errorResponse(404, "not_found", "No such API endpoint."));
export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
