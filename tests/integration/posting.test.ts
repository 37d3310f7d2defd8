// Posting a photo: POST /api/posts through nginx, checked by content, re-encoded, stored whole on
// the uploads directory, served back by nginx with cache headers, on top of everyone's feed and
// announced over Socket.IO. Every refusal is JSON with a stable code and leaves nothing behind:
// no row, no file, no temporary file.
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import sharp from "sharp";
import { ApiClient } from "../../tooling/api-client";
import { nginxOnFreePorts } from "../../tooling/nginx";
import {
  assertError,
  connectSocket,
  createUser,
  eventually,
  signedInClient,
  startTestStack,
  type TestStack,
} from "../support/harness";
import { gif, phoneJpeg, pngBomb, pngWithAlpha, jpeg, webp } from "../../tooling/test-images";

const POSTS_PER_HOUR = 20;
let stack: TestStack;
let uploadsDir: string;

before(async () => {
  stack = await startTestStack("posting", {
    env: { POST_RATE_LIMIT_PER_HOUR: String(POSTS_PER_HOUR) },
    nginx: nginxOnFreePorts({ signinRatePerMinute: 6000, signinBurst: 1000, apiRatePerSecond: 1000, apiBurst: 1000 }),
  });
  uploadsDir = stack.env.UPLOADS_DIR!;
});
after(() => stack?.stop());

function form(photo: Buffer | null, caption?: string, opts: { filename?: string; type?: string } = {}): FormData {
  const data = new FormData();
  if (photo)
    data.set(
      "photo",
      new Blob([new Uint8Array(photo)], { type: opts.type ?? "application/octet-stream" }),
      opts.filename ?? "photo",
    );
  if (caption !== undefined) data.set("caption", caption);
  return data;
}

/** Every file in the uploads directory, dot-files (a write in progress) included. */
const filesOnDisk = async () => (await readdir(uploadsDir)).sort();

async function poster(): Promise<{ client: ApiClient; user: Awaited<ReturnType<typeof createUser>> }> {
  const user = await createUser(stack.db);
  return { client: await signedInClient(stack.url, user), user };
}

describe("POST /api/posts: a photo in", () => {
  test("a phone JPEG: upright, scaled to fit 1440 px, metadata (GPS) gone; served by nginx, cached for good", async () => {
    const { client, user } = await poster();
    const original = await phoneJpeg(2000, 1500);
    assert.ok((await sharp(original).metadata()).exif, "the test photo carries EXIF");

    const res = await client.postForm(
      "/api/posts",
      form(original, "  Sunset at the pier \r\nsecond line ", { filename: "IMG_0001.JPG", type: "image/jpeg" }),
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.author.username, user.username);
    assert.equal(res.body.caption, "Sunset at the pier \nsecond line");
    assert.equal(res.body.likeCount, 0);
    assert.equal(res.body.likedByMe, false);
    assert.match(res.body.imageUrl, /^\/uploads\/[0-9a-f]{64}\.jpg$/);

    // On disk: exactly the file the URL names, and its name is its content's SHA-256.
    const name = path.basename(res.body.imageUrl);
    const stored = await readFile(path.join(uploadsDir, name));
    const meta = await sharp(stored).metadata();
    assert.equal(meta.format, "jpeg");
    // Orientation 6 turns 2000 x 1500 into 1500 x 2000, then it fits in 1440 x 1440.
    assert.deepEqual([meta.width, meta.height], [1080, 1440]);
    assert.equal(meta.exif, undefined, "no EXIF (so no GPS) in what is served");
    assert.equal(meta.orientation, undefined);

    // Through nginx: the same bytes, as a JPEG, immutable for a year, not sniffable.
    const served = await fetch(new URL(res.body.imageUrl, stack.url));
    assert.equal(served.status, 200);
    assert.equal(served.headers.get("content-type"), "image/jpeg");
    assert.equal(served.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.equal(served.headers.get("x-content-type-options"), "nosniff");
    assert.ok(Buffer.from(await served.arrayBuffer()).equals(stored));

    // The row, as the feed and the post's page read it.
    const viaApi = await client.get(`/api/posts/${res.body.id}`);
    assert.equal(viaApi.body.imageUrl, res.body.imageUrl);
  });

  test("PNG and WebP are taken too, by content: the name and the claimed type do not matter", async () => {
    const { client } = await poster();
    // A PNG with transparency, named and typed as a JPEG.
    const png = await client.postForm(
      "/api/posts",
      form(await pngWithAlpha(300, 200), "png", { filename: "fake.jpg", type: "image/jpeg" }),
    );
    assert.equal(png.status, 201, JSON.stringify(png.body));
    const pngMeta = await sharp(await readFile(path.join(uploadsDir, path.basename(png.body.imageUrl)))).metadata();
    assert.deepEqual([pngMeta.format, pngMeta.width, pngMeta.height, pngMeta.hasAlpha], ["jpeg", 300, 200, false]);

    const wp = await client.postForm("/api/posts", form(await webp(400, 400), undefined, { filename: "no-extension" }));
    assert.equal(wp.status, 201, JSON.stringify(wp.body));
    assert.equal(wp.body.caption, "", "no caption is an empty caption");
  });

  test("the same photo posted twice is two posts and one file", async () => {
    const { client } = await poster();
    const photo = await jpeg(96, 96);
    const first = await client.postForm("/api/posts", form(photo, "once"));
    const second = await client.postForm("/api/posts", form(photo, "twice"));
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    assert.notEqual(first.body.id, second.body.id);
    assert.equal(first.body.imageUrl, second.body.imageUrl);
  });
});

describe("POST /api/posts: refused, and nothing left behind", () => {
  test("each bad request gets its status, its code and a sentence; no row, no file", async () => {
    const { client, user } = await poster();
    const before = await filesOnDisk();
    const good = await jpeg();
    const cases: {
      what: string;
      send: () => Promise<{ status: number; body: any; headers: Headers }>;
      status: number;
      code: string;
      says: RegExp;
    }[] = [
      {
        what: "text named .jpg",
        send: () =>
          client.postForm(
            "/api/posts",
            form(Buffer.from("hello, I am not a photo"), "x", { filename: "cat.jpg", type: "image/jpeg" }),
          ),
        status: 415,
        code: "unsupported_media_type",
        says: /JPEG, PNG or WebP/,
      },
      {
        what: "a GIF",
        send: async () =>
          client.postForm("/api/posts", form(await gif(), "x", { filename: "a.gif", type: "image/gif" })),
        status: 415,
        code: "unsupported_media_type",
        says: /a GIF/,
      },
      {
        what: "an SVG",
        send: () =>
          client.postForm(
            "/api/posts",
            form(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), "x", {
              type: "image/svg+xml",
            }),
          ),
        status: 415,
        code: "unsupported_media_type",
        says: /SVG/,
      },
      {
        what: "an empty file",
        send: () => client.postForm("/api/posts", form(Buffer.alloc(0), "x")),
        status: 415,
        code: "unsupported_media_type",
        says: /empty/,
      },
      {
        what: "a JPEG cut in half",
        send: async () => client.postForm("/api/posts", form((await phoneJpeg(800, 600)).subarray(0, 6000), "x")),
        status: 422,
        code: "invalid_image",
        says: /cut short|damaged/,
      },
      {
        what: "a 30,000 x 30,000 PNG bomb",
        send: async () => client.postForm("/api/posts", form(pngBomb(), "x")),
        status: 422,
        code: "invalid_image",
        says: /30000 x 30000.*megapixels/,
      },
      {
        what: "a 16 x 16 image",
        send: async () => client.postForm("/api/posts", form(await jpeg(16, 16), "x")),
        status: 422,
        code: "invalid_image",
        says: /at least 32 x 32/,
      },
      {
        what: "no photo field",
        send: () => client.postForm("/api/posts", form(null, "just words")),
        status: 400,
        code: "invalid_request",
        says: /Choose a photo/,
      },
      {
        what: "a caption of 2,201 characters",
        send: () => client.postForm("/api/posts", form(good, "é".repeat(2201))),
        status: 400,
        code: "invalid_request",
        says: /2201 characters; the most is 2200/,
      },
      {
        what: "a caption with a control character",
        send: () => client.postForm("/api/posts", form(good, "hi\u0007there")),
        status: 400,
        code: "invalid_request",
        says: /control characters/,
      },
      {
        what: "JSON instead of a form",
        send: () => client.post("/api/posts", { imageUrl: "/seed/posts/alice-1.svg", caption: "sneaky" }),
        status: 415,
        code: "unsupported_media_type",
        says: /multipart\/form-data/,
      },
      {
        what: "a form that is not multipart",
        send: () =>
          client
            .raw("POST", "/api/posts", {
              body: "--x\r\nbroken",
              headers: { "content-type": "multipart/form-data; boundary=x" },
            })
            .then(async (r) => ({ status: r.status, body: await r.json(), headers: r.headers })),
        status: 400,
        code: "invalid_request",
        says: /not well-formed/,
      },
      {
        what: "a cross-site form post",
        send: () => client.postForm("/api/posts", form(good, "csrf"), { origin: "https://evil.example" }),
        status: 403,
        code: "forbidden",
        says: /Cross-origin/,
      },
      {
        what: "no session",
        send: () => new ApiClient(stack.url).postForm("/api/posts", form(good, "anon")),
        status: 401,
        code: "unauthenticated",
        says: /Sign in/,
      },
    ];
    for (const c of cases) {
      const res = await c.send();
      assertError(res, c.status, c.code);
      assert.match(res.body.error.message, c.says, c.what);
    }
    assert.equal(await stack.db.post.count({ where: { authorId: user.id } }), 0, "no post was written");
    assert.deepEqual(await filesOnDisk(), before, "no file, not even a temporary one, was left");
  });

  test("too large: the app says so at 10 MB, nginx past 11 MB, both as JSON with the same sentence", async () => {
    const { client, user } = await poster();
    const before = await filesOnDisk();
    // A valid JPEG start followed by padding: the size is refused before the content is looked at.
    const justOver = Buffer.concat([await jpeg(), Buffer.alloc(10 * 1024 * 1024)]);
    const byApp = await client.postForm("/api/posts", form(justOver, "big"));
    assertError(byApp, 413, "payload_too_large");
    assert.equal(byApp.body.error.message, "Photos can be up to 10 MB.");

    const byNginx = await client.postForm("/api/posts", form(Buffer.alloc(12 * 1024 * 1024, 1), "bigger"));
    assertError(byNginx, 413, "payload_too_large");
    assert.equal(byNginx.body.error.message, "Photos can be up to 10 MB.");

    assert.equal(await stack.db.post.count({ where: { authorId: user.id } }), 0);
    assert.deepEqual(await filesOnDisk(), before);
  });

  test("when the row cannot be written, the photo just stored is removed again", async () => {
    const { client, user } = await poster();
    const before = await filesOnDisk();
    // The session outlives its user (cookies are self-contained JWTs): the insert then fails on
    // the author's foreign key, after the file was stored.
    await stack.db.user.delete({ where: { id: user.id } });
    const res = await client.postForm("/api/posts", form(await jpeg(128, 96), "orphan?"));
    assert.ok(res.status >= 400, `refused (got ${res.status})`);
    assert.match(res.headers.get("content-type") ?? "", /application\/json/);
    assert.deepEqual(await filesOnDisk(), before, "the stored file was taken back");
  });

  test(`${POSTS_PER_HOUR} posts an hour per person, then 429 with Retry-After`, async () => {
    const { client } = await poster();
    const photo = await jpeg(40, 40);
    for (let i = 0; i < POSTS_PER_HOUR; i++)
      assert.equal((await client.postForm("/api/posts", form(photo, `n${i}`))).status, 201);
    const refused = await client.postForm("/api/posts", form(photo, "one too many"));
    assertError(refused, 429, "rate_limited");
    assert.ok(Number(refused.headers.get("retry-after")) > 0);
  });
});

describe("a new post reaches everyone", () => {
  test("it tops the others' feeds, and their open sockets hear post:new at once", async () => {
    const { client: posterClient, user } = await poster();
    const reader = await poster();
    const tab = await connectSocket(stack.url, reader.client);
    try {
      const res = await posterClient.postForm("/api/posts", form(await webp(200, 200), "fresh"));
      assert.equal(res.status, 201);
      const event = await eventually("post:new on the reader's socket", () =>
        tab.received.find((r) => r.event === "post:new" && r.payload.postId === res.body.id),
      );
      assert.equal(event.payload.author.username, user.username);
      assert.equal(event.payload.createdAt, res.body.createdAt);
      const feed = await reader.client.get("/api/posts?limit=1");
      assert.equal(feed.body.items[0].id, res.body.id);
    } finally {
      tab.socket.close();
    }
  });
});

describe("nginx serves /uploads/ and nothing else from there", () => {
  test("only names the app makes: no dot-files, no traversal, no listing; unknown names 404", async () => {
    for (const p of [
      "/uploads/",
      "/uploads/.tmp-0123456789abcdef",
      "/uploads/../package.json",
      "/uploads/%2e%2e/package.json",
      `/uploads/${"a".repeat(64)}.jpg`,
      `/uploads/${"a".repeat(64)}.svg`,
    ]) {
      const res = await fetch(new URL(p, stack.url), { redirect: "manual" });
      assert.ok([400, 404].includes(res.status), `${p} answered ${res.status}`);
      assert.notEqual(res.headers.get("content-type"), "image/jpeg", p);
    }
  });
});
