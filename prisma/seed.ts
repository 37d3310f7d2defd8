// npm run db:seed: alice, bob and carol with a few posts each. Idempotent: users are upserted by
// username and posts by a fixed id, so running it twice changes nothing.
// Passwords: SEED_PASSWORD (default demo1234). Images ship in public/seed/.
import { existsSync } from "node:fs";
if (existsSync(".env")) process.loadEnvFile(".env");

const { createPrisma } = await import("../server/db");
const { hashPassword } = await import("../server/password");

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is required (see .env.example)");
  process.exit(78);
}
const password = process.env.SEED_PASSWORD || "demo1234";

export const SEED_USERS = [
  { username: "alice", name: "Alice Martin", captions: ["Morning light over the harbour", "Found the best coffee in town", "Weekend hike, worth every step"] },
  { username: "bob", name: "Bob Okafor", captions: ["Sunset from the roof", "New desk setup", "Grandma's recipe, finally right"] },
  { username: "carol", name: "Carol Nguyen", captions: ["First snow", "Street art downtown", "Tiny plant, big plans"] },
] as const;

const prisma = createPrisma(url);
const passwordHash = await hashPassword(password);
// Posts are spread over the past days so the feed has an order; fixed times keep re-seeding stable.
const base = Date.UTC(2026, 0, 1, 12);
let created = 0;

for (const [u, spec] of SEED_USERS.entries()) {
  const user = await prisma.user.upsert({
    where: { username: spec.username },
    update: { name: spec.name, avatarUrl: `/seed/avatars/${spec.username}.svg`, passwordHash },
    create: { username: spec.username, name: spec.name, avatarUrl: `/seed/avatars/${spec.username}.svg`, passwordHash },
  });
  for (const [i, caption] of spec.captions.entries()) {
    const id = `seed${spec.username}${i + 1}`;
    const exists = await prisma.post.findUnique({ where: { id }, select: { id: true } });
    if (exists) continue;
    await prisma.post.create({
      data: {
        id,
        authorId: user.id,
        imageUrl: `/seed/posts/${spec.username}-${i + 1}.svg`,
        caption,
        createdAt: new Date(base + (i * SEED_USERS.length + u) * 3600_000),
      },
    });
    created += 1;
  }
}

console.log(`seeded ${SEED_USERS.length} users (password: ${process.env.SEED_PASSWORD ? "$SEED_PASSWORD" : "demo1234"}), ${created} new post(s)`);
await prisma.$disconnect();
