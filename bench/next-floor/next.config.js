// @ts-check
// The Next.js floor's configuration: the app's own (next.config.js at the root), so both run
// Next with the same settings, except the type-check of `next build`: `npm run typecheck` covers
// these files with the rest of the repository, and the bench need not pay for it on every run.
import appConfig from "../../next.config.js";

/** @type {import('next').NextConfig} */
const nextConfig = { ...appConfig, typescript: { ignoreBuildErrors: true } };

export default nextConfig;
