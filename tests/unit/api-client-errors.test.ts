// What a failed request tells the reader: what happened and what to do, never a bare status code.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError, NetworkError, describeApiError, describeLikeError } from "../../app/lib/api-client";

test("no answer at all: check your connection, and the like was not saved", () => {
  const error = new NetworkError(new TypeError("Failed to fetch"));
  assert.equal(describeLikeError(error, true), "Couldn't reach Likes — check your connection; your like wasn't saved.");
  assert.equal(
    describeLikeError(error, false),
    "Couldn't reach Likes — check your connection; your unlike wasn't saved.",
  );
  assert.equal(describeApiError(error), "Couldn't reach Likes — check your connection and try again.");
});

test("502, 503 and 504 (nginx answered, no app did) read as a restart", () => {
  for (const status of [502, 503, 504]) {
    const error = new ApiError(status, "http_error", `The server answered ${status}.`);
    assert.equal(
      describeLikeError(error, true),
      "Likes is restarting — try again in a few seconds; your like wasn't saved.",
    );
    assert.equal(describeApiError(error), "Likes is restarting — try again in a few seconds.");
  }
});

test("a 500 does not echo the server's generic sentence", () => {
  const error = new ApiError(500, "internal_error", "Something went wrong on our side.");
  assert.equal(
    describeLikeError(error, true),
    "Likes hit a problem on its side — try again in a moment; your like wasn't saved.",
  );
});

test("the rate limit says how many seconds to wait, when the server said", () => {
  assert.equal(
    describeLikeError(new ApiError(429, "rate_limited", "Slow down.", 12)),
    "You're liking too fast — try again in 12 s.",
  );
  assert.equal(
    describeLikeError(new ApiError(429, "rate_limited", "Slow down.")),
    "You're liking too fast — try again in a few seconds.",
  );
  assert.equal(
    describeApiError(new ApiError(429, "rate_limited", "Slow down.", 3)),
    "Too many requests — try again in 3 s.",
  );
});

test("a signed-out session and a deleted photo say so", () => {
  assert.equal(
    describeLikeError(new ApiError(401, "unauthenticated", "Sign in first.")),
    "Your session expired — sign in again.",
  );
  assert.equal(
    describeLikeError(new ApiError(404, "not_found", "Post not found.")),
    "This photo was deleted — it can't be liked any more.",
  );
});

test("other client errors keep the API's own message, written for people", () => {
  assert.equal(
    describeApiError(new ApiError(403, "forbidden", "Cross-origin request refused.")),
    "Cross-origin request refused.",
  );
});
