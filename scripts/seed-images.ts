// Writes the seed's generated pictures into public/seed/ (tooling/seed-images.ts draws them).
//   node --import tsx scripts/seed-images.ts          writes the files that are missing
//   node --import tsx scripts/seed-images.ts --force  rewrites the generated ones
import { ROOT } from "../tooling/paths";
import { writeSeedImages } from "../tooling/seed-images";

const written = writeSeedImages(ROOT, process.argv.includes("--force"));
console.log(
  written.length ? `wrote ${written.join(", ")}` : "every seed image exists (--force rewrites the generated ones)",
);
