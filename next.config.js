// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Native or worker-thread packages stay plain Node requires instead of being bundled.
  serverExternalPackages: ["@node-rs/argon2", "pino", "pino-pretty", "pg", "ioredis", "bullmq", "prom-client"],
  // nginx compresses (gzip) in front of the app; doing it twice wastes CPU.
  compress: false,
  // The type-check of `next build` covers the code the image runs (tsconfig.build.json), so the
  // image builds from its own context; `npm run typecheck` checks the whole repository.
  typescript: { tsconfigPath: "tsconfig.build.json" },
};

export default nextConfig;
