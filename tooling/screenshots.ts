// The README's picture: the name of its test in e2e/screenshots.spec.ts, which
// scripts/screenshots.ts runs alone first. Its own module, so the script loads nothing else.
export const SEEDED_WORLD_TEST = "the seeded world, as alice sees it";
