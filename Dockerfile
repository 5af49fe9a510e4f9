# syntax=docker/dockerfile:1
# Production image: compiled JavaScript and production dependencies only, run as a non-root
# user. It expects an external PostgreSQL (DATABASE_URL); see docker-compose.yml.

FROM node:20-bookworm-slim AS build
# A compiler for argon2's native addon: its prebuilt linux-x64 binary was seen to crash
# (SIGSEGV on load) on Debian bookworm, so it is compiled here, on the runtime's own base.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# Dependency install scripts stay off (npm 10 in this image does not know package.json
# "allowScripts"); the one native addon needed in production is built explicitly. The
# embedded PostgreSQL is never used in production. Node's own headers avoid a download.
ENV npm_config_nodedir=/usr/local
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm_config_build_from_source=true npm rebuild argon2 \
 && node -e "require('argon2')"
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
# A heap limit for one instance (bench/settings.ts PRODUCTION_NODE_OPTIONS, npm run start:prod):
# the working set stays under ~120 MB, and without a limit V8 lets garbage grow to several
# hundred MB on a large machine before collecting it.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size=192 \
    PORT=3000
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The web interface's static assets are read from the source tree at start.
COPY --from=build /app/src/web/assets ./src/web/assets
# The official image's unprivileged user (uid 1000). Nothing in /app needs to be writable.
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: Node is PID 1 and receives SIGTERM itself for a graceful shutdown. Migrations run
# at start, under an advisory lock, before the server listens.
CMD ["node", "dist/src/main.js"]
