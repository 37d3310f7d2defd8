// A floor answer (bench/floor-api.ts) as a route handler's Response.
import { FLOOR_HEADERS, type FloorAnswer } from "../../floor-api";

export const answer = ({ status, body }: FloorAnswer): Response =>
  new Response(JSON.stringify(body), { status, headers: FLOOR_HEADERS });
