import assert from "node:assert/strict";
import { test } from "node:test";
import { newNonce, pageContentSecurityPolicy } from "../../server/content-security-policy";

const directive = (policy: string, name: string) => policy.split("; ").find((d) => d.startsWith(`${name} `));

test("nonces are 128 random bits in base64, never repeated", () => {
  const nonces = new Set(Array.from({ length: 1000 }, () => newNonce()));
  assert.equal(nonces.size, 1000);
  for (const nonce of nonces) assert.match(nonce, /^[A-Za-z0-9+/]{22}==$/);
});

test("scripts need the nonce: no 'unsafe-inline', and 'unsafe-eval' only for the dev server", () => {
  const production = pageContentSecurityPolicy({ nonce: "abc", host: "localhost:8080", dev: false });
  assert.equal(directive(production, "script-src"), "script-src 'self' 'nonce-abc' 'strict-dynamic'");
  assert.equal(directive(production, "frame-ancestors"), "frame-ancestors 'none'");
  assert.equal(directive(production, "object-src"), "object-src 'none'");
  const dev = pageContentSecurityPolicy({ nonce: "abc", host: "localhost:3000", dev: true });
  assert.equal(directive(dev, "script-src"), "script-src 'self' 'nonce-abc' 'strict-dynamic' 'unsafe-eval'");
});

test("connect-src names this host's WebSocket URLs, and only for a plain host[:port]", () => {
  const policy = (host: string | null) =>
    directive(pageContentSecurityPolicy({ nonce: "n", host, dev: false }), "connect-src");
  assert.equal(policy("localhost:8443"), "connect-src 'self' ws://localhost:8443 wss://localhost:8443");
  assert.equal(policy("[::1]:8080"), "connect-src 'self' ws://[::1]:8080 wss://[::1]:8080");
  // A Host header is the client's to choose: one that would add its own directives is left out.
  assert.equal(policy("evil.example; script-src *"), "connect-src 'self'");
  assert.equal(policy(null), "connect-src 'self'");
});
