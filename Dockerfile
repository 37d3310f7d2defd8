# One image for the app server, the notifications worker and the one-shot migrate+seed job;
# docker-compose.yml picks the command. Stages: deps (all packages) -> build (prisma generate +
# next build) -> prod-deps (runtime packages only) -> runtime.
#
# `npm install`, not `npm ci`, everywhere: the lock file cannot list the optional packages of
# other platforms (e.g. @next/swc-darwin-arm64; the registry it was made against lacks some), and
# `npm ci` refuses a lock file that does not match package.json for this platform. `npm install`
# resolves them from the registry and leaves the lock file alone.
# --ignore-scripts: no dependency needs its install script here (esbuild and msgpackr-extract find
# their prebuilt platform packages without them), and the project's postinstall (prisma generate)
# runs explicitly in the build stage, where the schema is.

FROM node:20-bookworm-slim AS base
ENV NEXT_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
WORKDIR /app

FROM base AS deps
COPY package.json package-lock.json ./
RUN npm install --ignore-scripts

FROM deps AS build
COPY . .
# prisma generate (with PRISMA_SCHEMA_ENGINE_BINARY=/bin/true, see package.json) + next build.
# public/ may not exist in a fresh checkout; the runtime stage copies it either way.
RUN npm run build && rm -rf .next/cache && mkdir -p public

FROM base AS prod-deps
COPY package.json package-lock.json ./
RUN npm install --omit=dev --ignore-scripts
# The runtime runs TypeScript through tsx and migrates through Prisma's WebAssembly engine: those
# packages must be dependencies, not devDependencies, or the image cannot start or migrate.
RUN for pkg in tsx @prisma/schema-engine-wasm @prisma/driver-adapter-utils @prisma/adapter-pg @prisma/client; do \
      [ -d "node_modules/$pkg" ] || { echo "Dockerfile: $pkg is not installed by npm install --omit=dev: move it to dependencies in package.json" >&2; exit 1; }; \
    done

FROM base AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/package.json /app/tsconfig.json /app/next.config.js ./
COPY --from=build /app/.next ./.next
COPY --from=build /app/public ./public
# server/ includes server/generated (the Prisma client made in the build stage).
COPY --from=build /app/server ./server
COPY --from=build /app/shared ./shared
COPY --from=build /app/workers ./workers
# scripts/ are the entry points the containers run (migrate, healthcheck, simulate); what they
# import lives in tooling/.
COPY --from=build /app/scripts ./scripts
COPY --from=build /app/tooling ./tooling
COPY --from=build /app/prisma ./prisma
# Code stays root-owned and read-only for the process; Next only writes its cache (next/image), and
# the app writes posted photos to uploads/ (a volume in docker-compose.yml: a new volume takes this
# directory's owner, so the app can write to it).
RUN mkdir -p .next/cache uploads && chown node:node .next/cache uploads
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=6s --start-period=30s --retries=3 \
    CMD ["node", "scripts/healthcheck.mjs", "app"]
# What `npm start` runs, without npm and sh in between: npm hands SIGTERM to its `sh -c`, which
# dies without passing it on (measured with npm 11 + dash), so the app would never shut down
# gracefully on `docker stop`. INSTANCE_ID defaults to the container's hostname so replicas are
# told apart (the app's own default, app-<pid>, is the same pid in every container).
CMD ["sh", "-c", "export INSTANCE_ID=\"${INSTANCE_ID:-app-$(hostname)}\"; exec node --import tsx server/main.ts"]
