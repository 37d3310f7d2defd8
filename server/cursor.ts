// Opaque keyset cursors: (createdAt, id) of the last item shown, newest-first order.
// Keyset pages stay correct while new rows arrive, unlike OFFSET.
import { invalidRequest } from "./api-errors";

export type Cursor = { createdAt: Date; id: string };

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.createdAt.toISOString()}|${c.id}`).toString("base64url");
}

export function decodeCursor(raw: string | null): Cursor | null {
  if (raw === null || raw === "") return null;
  const [iso, id, extra] = Buffer.from(raw, "base64url").toString("utf8").split("|");
  const createdAt = new Date(iso ?? "");
  if (extra !== undefined || !id || !/^[a-z0-9]{1,40}$/i.test(id) || Number.isNaN(createdAt.getTime())) {
    throw invalidRequest("Malformed cursor.");
  }
  return { createdAt, id };
}

/** Prisma `where` for "older than the cursor" under ORDER BY createdAt DESC, id DESC. */
export function olderThan(c: Cursor | null) {
  if (!c) return {};
  return { OR: [{ createdAt: { lt: c.createdAt } }, { createdAt: c.createdAt, id: { lt: c.id } }] };
}

export function parseLimit(raw: string | null, fallback: number, max: number): number {
  if (raw === null || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw invalidRequest(`limit must be an integer from 1 to ${max}.`);
  return n;
}
