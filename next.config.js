// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Native or worker-thread packages stay plain Node requires instead of being bundled.
  serverExternalPackages: ["@node-rs/argon2", "pino", "pino-pretty", "pg", "ioredis", "bullmq"],
  // nginx compresses (gzip) in front of the app; doing it twice wastes CPU.
  compress: false,
};

export default nextConfig;
