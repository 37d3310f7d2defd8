// The session-cookie decode cache (server/session-decode.ts): the same cookie text gives the same
// claims without decrypting again; callers get copies; expired and undecodable tokens are not kept.
import assert from "node:assert/strict";
import { test } from "node:test";
import { encode } from "next-auth/jwt";
import { decodedSessionCount, decodeSessionToken } from "../../server/session-decode";

const secret = "unit-test-secret-unit-test-secret-0123456789";

test("decoded once per cookie text; each caller gets its own copy", async () => {
  const token = await encode({ token: { sub: "u1", sid: "s1", name: "Ann" }, secret });
  const before = decodedSessionCount();
  const first = await decodeSessionToken({ token, secret });
  assert.equal(first?.sub, "u1");
  assert.equal(decodedSessionCount(), before + 1);
  first!.sub = "changed by a caller";
  const second = await decodeSessionToken({ token, secret });
  assert.equal(second?.sub, "u1", "a caller's change does not reach the cache");
  assert.equal(decodedSessionCount(), before + 1, "the second decode was a hit");
});

test("another secret does not get the cached claims", async () => {
  const token = await encode({ token: { sub: "u2", sid: "s2" }, secret });
  assert.equal((await decodeSessionToken({ token, secret }))?.sub, "u2");
  await assert.rejects(decodeSessionToken({ token, secret: `${secret}-rotated` }));
});

test("an expired token is not kept", async () => {
  const token = await encode({ token: { sub: "u3", sid: "s3" }, secret, maxAge: -60 });
  const before = decodedSessionCount();
  // next-auth allows 15 s of clock tolerance: a minute ago is expired.
  await assert.rejects(decodeSessionToken({ token, secret }));
  assert.equal(decodedSessionCount(), before);
});
