# One image for the app server, the notifications worker and the one-shot migrate+seed job;
# docker-compose.yml picks the command. Stages: deps (all packages) -> build (prisma generate +
# next build) -> prod-deps (runtime packages only, pruned) -> runtime. What was cut to bring the
# image from 974 MB to 291 MB (uncompressed, podman), and how to measure it: docs/deployment.md, "The image".
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
# NEXT_STANDALONE=1 (next.config.js): Next also traces the files its production server loads into
# .next/standalone/node_modules; prod-deps takes `next` from there (18 MB instead of 209 MB). The
# rest of .next/standalone (a copy of .next and Next's own server.js) is not used: the app runs its
# custom server. Server source maps (14 MB) only serve debugging; the build cache is not read at
# run time. public/ may not exist in a fresh checkout; the runtime stage copies it either way.
# Next's own server.js skips loading next.config.js; the custom server's next() does not, and that
# first installs aliases to Next's compiled webpack and @babel/runtime (server/config-utils.js),
# which the trace leaves out: add those two directories (3 MB).
RUN NEXT_STANDALONE=1 npm run build \
    && mv .next/standalone/node_modules /standalone-node_modules \
    && for dir in webpack @babel/runtime; do \
         mkdir -p /standalone-node_modules/next/dist/compiled/$dir \
         && cp -R node_modules/next/dist/compiled/$dir/. /standalone-node_modules/next/dist/compiled/$dir/; \
       done \
    && rm -rf .next/standalone .next/cache \
    && find .next -name '*.map' -delete \
    && mkdir -p public

FROM base AS prod-deps
COPY package.json package-lock.json ./
# Runtime packages only, pruned:
# - without `next`, which comes from Next's trace below: the full package carries its build
#   toolchain and every runtime variant, and pulls in @next/swc-* (97 MB of compiler the
#   production server never loads) and caniuse-lite;
# - --legacy-peer-deps: npm would otherwise install optional peers of runtime packages, i.e. the
#   Prisma CLI with typescript, effect, pglite and Prisma Studio (peers of @prisma/client, 170 MB)
#   and Playwright (a peer of next). Migrations use the WebAssembly engine (scripts/migrate.ts),
#   not the CLI;
# - type declarations and source maps, which Node never loads;
# - the Prisma client's query compilers for other databases (and its "small" variant, and the
#   CommonJS copies): the generated client (server/generated) imports only
#   query_compiler_fast_bg.postgresql*.mjs;
# - React's development builds: with NODE_ENV=production (set below) React loads *.production.js.
# The lock file is not saved back: this stage is thrown away but for node_modules.
RUN npm pkg delete dependencies.next \
    && npm install --omit=dev --legacy-peer-deps --ignore-scripts --no-save \
    && npm cache clean --force \
    && rm -rf node_modules/@types \
    && find node_modules -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \) -delete \
    && find node_modules/@prisma/client/runtime -type f \
        \( -name 'query_compiler_small_bg.*' -o -name 'query_compiler_*.cockroachdb.*' -o -name 'query_compiler_*.mysql.*' \
           -o -name 'query_compiler_*.sqlite.*' -o -name 'query_compiler_*.sqlserver.*' -o -name 'query_compiler_*.js' \) -delete \
    && rm -f node_modules/react/cjs/*.development.js node_modules/react-dom/cjs/*.development.js node_modules/scheduler/cjs/*.development.js
# Next's trace: `next` itself and the files of other packages its server and the app's route
# bundles load. Where both have a package, the files are the same (one lock file); -n keeps ours.
COPY --from=build /standalone-node_modules /tmp/standalone-node_modules
RUN cp -Rn /tmp/standalone-node_modules/. node_modules/ && rm -rf /tmp/standalone-node_modules
# The runtime runs TypeScript through tsx and migrates through Prisma's WebAssembly engine: those
# packages must be dependencies, not devDependencies, or the image cannot start or migrate.
RUN for pkg in next tsx @prisma/schema-engine-wasm @prisma/driver-adapter-utils @prisma/adapter-pg @prisma/client; do \
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
