// The Content-Security-Policy of pages: no script runs unless this response's nonce allows it.
// Next.js (App Router) inlines its bootstrap and flight-data scripts; with a nonce in the request's
// CSP header (set by proxy.ts) it puts the nonce on every script it renders, and 'strict-dynamic'
// extends the trust to the chunks those scripts load. An injected <script> has no nonce: blocked.
// Everything that is not a page (API JSON, static files, nginx's own answers) gets nginx's stricter
// default instead (nginx/templates/likes.conf.template, map $likes_csp).
// No imports: proxy.ts runs before any of the app's server modules are needed.

/** 128 random bits, base64: unguessable, and new for every response. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

// A Host header is the client's to choose; only a plain host[:port] goes into the policy.
const PLAIN_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

export function pageContentSecurityPolicy(opts: { nonce: string; host: string | null; dev: boolean }): string {
  // 'self' covers ws:/wss: to this host in current browsers; older ones need them named.
  const sockets = opts.host && PLAIN_HOST.test(opts.host) ? ` ws://${opts.host} wss://${opts.host}` : "";
  return [
    "default-src 'self'",
    // 'self' is for browsers without 'strict-dynamic' (CSP2); CSP3 browsers ignore it here.
    // Next's dev server evaluates modules with eval(); production never does.
    `script-src 'self' 'nonce-${opts.nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    // React writes style attributes; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${sockets}`,
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join("; ");
}
