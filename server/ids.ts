// Ids for rows the database writes from raw SQL (Prisma's @default(cuid()) only applies to rows
// Prisma creates itself). Same alphabet as a cuid, [a-z0-9], so cursors and id checks accept them;
// time first, so ids made later sort later.
import { randomBytes } from "node:crypto";

export function newId(): string {
  return `c${Date.now().toString(36)}${randomBytes(8).toString("hex")}`;
}
