// The pure parts of posting a photo: recognising a file by its first bytes, the caption's rules,
// and the feed's list of posts waiting behind the "new posts" pill.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { addPending, describeAuthors } from "../../app/lib/new-posts";
import { sniffImageType } from "../../server/photo";
import { normalizeCaption } from "../../server/posting";
import { ApiError } from "../../server/api-errors";
import type { NewPostEvent } from "../../shared/api";

const bytes = (...values: (number | string)[]) =>
  Buffer.concat(values.map((v) => (typeof v === "string" ? Buffer.from(v, "latin1") : Buffer.from([v]))));

describe("sniffImageType: by content, never by name", () => {
  test("the three signatures taken", () => {
    assert.deepEqual(sniffImageType(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10)), { type: "jpeg" });
    assert.deepEqual(sniffImageType(bytes(0x89, "PNG", 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13)), { type: "png" });
    assert.deepEqual(sniffImageType(bytes("RIFF", 0x10, 0, 0, 0, "WEBPVP8 ")), { type: "webp" });
  });

  test("near misses and other formats refused, each named", () => {
    assert.deepEqual(
      sniffImageType(bytes(0xff, 0xd8)),
      { unsupported: "not an image we recognise" },
      "a JPEG signature needs 3 bytes",
    );
    assert.deepEqual(
      sniffImageType(bytes("RIFF", 0, 0, 0, 0, "WAVE")),
      { unsupported: "not an image we recognise" },
      "RIFF is not enough: a WAV is RIFF too",
    );
    assert.deepEqual(sniffImageType(bytes("GIF89a")), { unsupported: "a GIF" });
    assert.deepEqual(sniffImageType(bytes(0, 0, 0, 0x18, "ftypheic")), { unsupported: "a HEIC or AVIF image" });
    assert.deepEqual(sniffImageType(bytes(0, 0, 0, 0x18, "ftypisom")), { unsupported: "a video or MP4-family file" });
    assert.deepEqual(sniffImageType(bytes("%PDF-1.7")), { unsupported: "a PDF" });
    assert.deepEqual(sniffImageType(bytes("  <svg xmlns='http://www.w3.org/2000/svg'/>")), {
      unsupported: "text (SVG, HTML or XML)",
    });
    assert.deepEqual(sniffImageType(Buffer.alloc(0)), { unsupported: "empty" });
  });
});

describe("normalizeCaption", () => {
  test("trimmed, CRLF to LF, NFC; newlines and tabs kept", () => {
    assert.equal(normalizeCaption("  hi\r\nthere\tyou  "), "hi\nthere\tyou");
    assert.equal(normalizeCaption("cafe\u0301"), "caf\u00e9");
    assert.equal(normalizeCaption(""), "");
  });

  test("counted in code points, as Postgres's varchar(2200) counts", () => {
    assert.equal([...normalizeCaption("😀".repeat(2200))].length, 2200);
    assert.throws(
      () => normalizeCaption("😀".repeat(2201)),
      (e: unknown) => e instanceof ApiError && e.status === 400 && /2201 characters/.test(e.message),
    );
  });

  test("control characters refused", () => {
    for (const c of ["\u0000", "\u0007", "\u001b[31m", "\u007f"]) {
      assert.throws(
        () => normalizeCaption(`a${c}b`),
        (e: unknown) => e instanceof ApiError && e.code === "invalid_request",
      );
    }
  });
});

describe("the new posts waiting behind the pill", () => {
  const event = (postId: string, username: string): NewPostEvent => ({
    postId,
    createdAt: "2026-11-26T08:00:00.000Z",
    author: { id: `id-${username}`, username, name: username, avatarUrl: "/a.svg" },
  });

  test("newest first, each once, none already on screen", () => {
    const onScreen = new Set(["p0"]);
    let pending: NewPostEvent[] = [];
    for (const e of [event("p1", "dana"), event("p2", "eli"), event("p1", "dana"), event("p0", "me")])
      pending = addPending(pending, e, (id) => onScreen.has(id));
    assert.deepEqual(
      pending.map((p) => p.postId),
      ["p2", "p1"],
    );
  });

  test("who they are from", () => {
    assert.equal(describeAuthors([event("a", "dana")]), "dana");
    assert.equal(describeAuthors([event("a", "dana"), event("b", "dana")]), "dana");
    assert.equal(describeAuthors([event("a", "dana"), event("b", "eli")]), "dana and eli");
    assert.equal(describeAuthors([event("a", "dana"), event("b", "eli"), event("c", "gus")]), "dana, eli and 1 other");
    assert.equal(
      describeAuthors([event("a", "dana"), event("b", "eli"), event("c", "gus"), event("d", "hana")]),
      "dana, eli and 2 others",
    );
  });
});
