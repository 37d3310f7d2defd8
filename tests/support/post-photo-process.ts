// A posting process of its own, for a test to kill between the file and the row: posts the photo
// at argv[3] for the user argv[2] with the real createPost (server/posting.ts), in the stack's
// environment, and says on stdout when it is done. Nothing here fakes a step of posting.
import { readFile } from "node:fs/promises";
import { loadEnvOrExit } from "../../server/env";
import { createPost } from "../../server/posting";

loadEnvOrExit();
const [authorId, photoPath] = process.argv.slice(2);
if (!authorId || !photoPath) throw new Error("usage: post-photo-process.ts <authorId> <photo>");
const post = await createPost(authorId, { photo: await readFile(photoPath), caption: "from a process of its own" });
console.log(JSON.stringify({ posted: post.id }));
process.exit(0);
