// Same-site checks, shared by the API (CSRF on cookie-authenticated mutations, server/api.ts) and
// the Socket.IO handshake (cross-site WebSocket hijacking, server/realtime.ts). A browser always
// sends Origin on a cross-site POST, PUT or DELETE and on every WebSocket handshake, and it must
// name this very site. Requests without Origin (curl, benchmarks, Node clients) are not
// browser-forged and pass; they still need a session cookie.

/** What both a fetch Request's headers and a Node IncomingMessage's (through headerSource) offer. */
export type HeaderSource = { get(name: string): string | null };

/** The origin the browser addressed, as nginx reports it (X-Forwarded-*), else the Host header. */
export function requestOrigin(headers: HeaderSource): string | null {
  const host = headers.get("x-forwarded-host") ?? headers.get("host");
  if (!host) return null;
  const proto = headers.get("x-forwarded-proto") ?? "http";
  return `${proto}://${host}`;
}

export function isForeignOrigin(headers: HeaderSource): boolean {
  const origin = headers.get("origin");
  if (!origin) return headers.get("sec-fetch-site") === "cross-site";
  return origin !== requestOrigin(headers);
}

/** Node's header object (lower-case names; a repeated header as an array) as a HeaderSource. */
export function headerSource(headers: Record<string, string | string[] | undefined>): HeaderSource {
  return {
    get(name) {
      const value = headers[name.toLowerCase()];
      return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
    },
  };
}
