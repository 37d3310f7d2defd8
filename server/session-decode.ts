// next-auth's session-cookie decode, remembered per cookie. Every authenticated request and socket
// handshake decodes its cookie: next-auth derives the key from the secret with HKDF each time, then
// decrypts the JWE (AES-256-GCM). Under load that was 9% of the app's CPU on likes and 17% on the
// feed (docs/benchmarks.md, "What the profiles showed"). A browser sends the same cookie until it
// is re-issued, so the decoded claims are kept, keyed by the exact cookie text: the same text
// always decodes to the same claims, so this changes no answer. Entries go when the token expires,
// after 10 minutes at most, or when the oldest of MAX_ENTRIES makes room. Revocation is not cached
// here: server/session-revocation.ts checks every decoded session.
import { decode, type JWT, type JWTDecodeParams } from "next-auth/jwt";

const MAX_ENTRIES = 5000;
const MAX_AGE_MS = 10 * 60_000;

type Entry = { claims: JWT; secret: JWTDecodeParams["secret"]; expiresAt: number };
const decoded = new Map<string, Entry>();

export async function decodeSessionToken(params: JWTDecodeParams): Promise<JWT | null> {
  const { token, secret } = params;
  if (!token) return null;
  const now = Date.now();
  const hit = decoded.get(token);
  if (hit && hit.expiresAt > now && hit.secret === secret) {
    // Most recently used last: the Map's order is the eviction order.
    decoded.delete(token);
    decoded.set(token, hit);
    return { ...hit.claims }; // a copy: next-auth's callbacks may change the token they are given
  }
  decoded.delete(token);
  const claims = await decode(params);
  if (!claims) return null;
  const exp = typeof claims.exp === "number" ? claims.exp * 1000 : now;
  if (exp > now) {
    decoded.set(token, { claims: { ...claims }, secret, expiresAt: Math.min(exp, now + MAX_AGE_MS) });
    if (decoded.size > MAX_ENTRIES) decoded.delete(decoded.keys().next().value!);
  }
  return claims;
}

/** For tests: how many decoded cookies are kept. */
export const decodedSessionCount = () => decoded.size;
