# syntax=docker/dockerfile:1
# Production image: compiled JavaScript, production dependencies, the web assets and the PDF
# fonts, run as a non-root user. It expects an external PostgreSQL (DATABASE_URL); see
# docker-compose.yml.
#
# CI proves this file without Docker: scripts/production-check.mjs carries out its build stage
# (the COPY and RUN lines below, in a temporary folder) and starts its runtime stage's CMD with
# its ENV against PostgreSQL. Keep RUN paths relative to WORKDIR, so that the check can run them.

# Node 22: an LTS line with security updates (Node 20's ended in April 2026). The code also runs
# on Node 20 (developers, CI); scripts/build-production.sh checks that every production
# dependency accepts the Node it runs on here.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json tsconfig.production.json ./
COPY src ./src
COPY migrations ./migrations
COPY scripts/build-production.sh ./scripts/
# npm ci, compile, prune to production dependencies, self-checks; the result is ./production.
# No compiler needed: the one native addon (@node-rs/argon2) ships prebuilt per platform.
RUN --mount=type=cache,target=/root/.npm bash scripts/build-production.sh production

FROM node:22-bookworm-slim
# A heap limit for one instance (bench/settings.ts PRODUCTION_NODE_OPTIONS, npm run start:prod):
# the working set stays under ~120 MB, and without a limit V8 lets garbage grow to several
# hundred MB on a large machine before collecting it.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size=192 \
    PORT=3000
WORKDIR /app
# package.json, node_modules (production only), dist, src/web/assets (read at start).
COPY --from=build /app/production ./
# The official image's unprivileged user (uid 1000). Nothing in /app needs to be writable.
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: Node is PID 1 and receives SIGTERM itself for a graceful shutdown. Migrations run
# at start, under an advisory lock, before the server listens.
CMD ["node", "dist/src/main.js"]
