# Airbyte source image for SAP Concur Extract.
# Build:  docker build -t airbyte/source-concur-extract:dev .
# Run:    docker run --rm airbyte/source-concur-extract:dev spec
#         docker run --rm -v "$PWD/secrets:/data:ro" airbyte/source-concur-extract:dev check --config /data/config.json

# ---- build stage: compile TypeScript with dev dependencies ----
FROM node:22-alpine AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# No source maps in the image: nothing there reads them, and they would double lib/'s size.
RUN npx tsc -p tsconfig.build.json --sourceMap false

# ---- final stage: production dependencies and compiled code only ----
FROM node:22-alpine
# The image tag is the package version (package.json; test/conformance.docker.test.ts keeps them equal).
# The image tag and label: package.json's version (test/conformance.docker.test.ts keeps them equal;
# the connector itself reads package.json for --version and its log).
ARG VERSION=0.1.0
WORKDIR /home/node/airbyte
COPY package.json package-lock.json ./
# typescript lands in the production tree only as an optional peer of ts-essentials (types only,
# via faros-js-client); nothing requires it at run time, so its 23 MB are dropped.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/typescript node_modules/.bin/tsc node_modules/.bin/tsserver \
 && npm cache clean --force
COPY --from=build /build/lib/src ./lib/src
COPY resources ./resources
COPY bin ./bin
COPY docker/entrypoint.sh ./docker/entrypoint.sh
# The code stays owned by root and read-only for the connector's user (no `chown -R`, which would
# also copy every file into one more layer); the connector writes only to the temp dir.
COPY docker/warm-compile-cache.js ./docker/warm-compile-cache.js
RUN chmod 0555 ./docker/entrypoint.sh ./bin/main
# Node's compile cache, filled now: every container start (one per spec, check, discover, read) reuses the
# compiled code of the connector's modules instead of compiling it again (docker/warm-compile-cache.js).
# Node keys the cache by user id, so the connector's user fills it; writable by that user, so a module the
# warm-up missed is simply added.
ENV NODE_COMPILE_CACHE=/home/node/airbyte/.node-compile-cache
RUN mkdir "$NODE_COMPILE_CACHE" && chown node "$NODE_COMPILE_CACHE"
ENV NODE_ENV=production \
    AIRBYTE_ENTRYPOINT="/home/node/airbyte/docker/entrypoint.sh"
LABEL io.airbyte.name="airbyte/source-concur-extract" \
      io.airbyte.version="${VERSION}"
USER node
RUN node ./docker/warm-compile-cache.js
ENTRYPOINT ["/home/node/airbyte/docker/entrypoint.sh"]
