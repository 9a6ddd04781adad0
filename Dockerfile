# Airbyte source image for SAP Concur Extract.
# Build:  docker build -t source-concur-extract:dev .
# Run:    docker run --rm source-concur-extract:dev spec

# ---- build stage: compile TypeScript with dev dependencies ----
FROM node:22-alpine AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

# ---- final stage: production dependencies and compiled code only ----
FROM node:22-alpine
ARG VERSION=0.1.0
WORKDIR /home/node/airbyte
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /build/lib/src ./lib/src
COPY resources ./resources
COPY bin ./bin
COPY docker/entrypoint.sh ./docker/entrypoint.sh
RUN chmod 0555 ./docker/entrypoint.sh ./bin/main && chown -R node:node /home/node/airbyte
ENV CONNECTOR_VERSION=${VERSION} \
    NODE_ENV=production \
    AIRBYTE_ENTRYPOINT="/home/node/airbyte/docker/entrypoint.sh"
LABEL io.airbyte.name="airbyte/source-concur-extract" \
      io.airbyte.version="${VERSION}"
USER node
ENTRYPOINT ["/home/node/airbyte/docker/entrypoint.sh"]
