# syntax=docker/dockerfile:1
# vigil, the monitoring service, as a container image. docs/deployment.md explains how to run it
# (docker compose up -d with InfluxDB and Grafana); test/deploy/compose.test.ts checks this file.
#
#   build    all dependencies, TypeScript compiled to dist/
#   deps     production dependencies only
#   runtime  node + production node_modules + dist/ bin/ config/ dashboard/, as an unprivileged user

# ---------------------------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the package's `prepare` script would compile before the sources are copied in; the
# build runs explicitly below. @serialport/bindings-cpp ships prebuilt binaries (linux x64/arm64/arm,
# glibc), which node-gyp-build finds at run time, so its install script is not needed either.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY services ./services
COPY devices ./devices
COPY bench ./bench
COPY scripts/build-dashboard.mjs ./scripts/
COPY dashboard/ ./dashboard/
RUN npm run build

# ---------------------------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# ---------------------------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    VIGIL_DATA_DIR=/data \
    VIGIL_PORT=8080

# A fixed uid/gid, so the owner of the data volume (and of backups taken from it) is predictable.
RUN groupadd --system --gid 10001 vigil \
 && useradd --system --uid 10001 --gid vigil --home-dir /nonexistent --no-create-home \
            --shell /usr/sbin/nologin vigil \
 && mkdir -p /data/sessions \
 && chown -R vigil:vigil /data

WORKDIR /app
# The application files stay owned by root: the service can read its code, never change it.
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY config ./config
COPY dashboard ./dashboard

USER vigil
# Session journals (the source of truth, DESIGN §6) live in /data/sessions.
VOLUME ["/data"]
EXPOSE 8080

# slim images have neither curl nor wget: node asks /api/health itself (over https when vigil serves TLS).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e 'const tls = Boolean(process.env.VIGIL_TLS_CERT); require(tls ? "node:https" : "node:http").get({ host: "127.0.0.1", port: process.env.VIGIL_PORT || 8080, path: "/api/health", timeout: 4000, rejectUnauthorized: false }, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on("timeout", () => process.exit(1)).on("error", () => process.exit(1))'

# Exec form, so node itself receives SIGTERM on `docker stop` and flushes the journal before it exits.
# Extra `vigil serve` options (--simulate, --speed, --seed, --config) go in the compose `command:`.
ENTRYPOINT ["node", "bin/vigil.js", "serve", "--host", "0.0.0.0"]
