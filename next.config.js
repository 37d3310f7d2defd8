// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // The image build (Dockerfile) sets NEXT_STANDALONE=1 to get Next's trace of the files its
  // production server loads (.next/standalone/node_modules), and ships that instead of the whole
  // `next` package. The app keeps its custom server (server/main.ts), so the standalone server.js
  // is not used, and at run time the option stays off: with it on, `next()` warns on every start.
  ...(process.env.NEXT_STANDALONE === "1" ? { output: "standalone" } : {}),
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
