// The banner's rules: the browser's word is taken at once; a dropped socket only after a grace.
import assert from "node:assert/strict";
import { test } from "node:test";
import { connectionBanner } from "../../app/lib/connection-banner";

test("the browser says offline: the banner shows at once, whatever the socket thinks", () => {
  for (const socketConnected of [true, false]) {
    assert.equal(connectionBanner({ browserOnline: false, socketConnected, downPastGrace: false })?.reason, "offline");
  }
});

test("the socket is down past the grace period: reconnecting", () => {
  assert.equal(
    connectionBanner({ browserOnline: true, socketConnected: false, downPastGrace: true })?.reason,
    "reconnecting",
  );
});

test("a socket down for less than the grace period, or connected, shows nothing", () => {
  assert.equal(connectionBanner({ browserOnline: true, socketConnected: false, downPastGrace: false }), null);
  assert.equal(connectionBanner({ browserOnline: true, socketConnected: true, downPastGrace: false }), null);
});
