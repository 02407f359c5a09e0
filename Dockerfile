# syntax=docker/dockerfile:1
# Mastodash image: dependencies, build, and a small runtime stage with Next.js's standalone output.
# Build:  docker build -t mastodash .
# Run:    see deploy/compose.mastodash.yml and the README ("Run it in Docker beside Mastodon").
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# better-sqlite3 is a native module: when its prebuilt binary cannot be downloaded, node-gyp compiles it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
LABEL org.opencontainers.image.title="Mastodash" \
      org.opencontainers.image.description="Dashboard for a small Mastodon instance run with Docker Compose" \
      org.opencontainers.image.licenses="AGPL-3.0-only"
# Inside the container the server listens on all interfaces of the container's own network namespace;
# the compose file publishes it only as 127.0.0.1:3001, so it is reached through the SSH tunnel alone.
# Other containers on its networks reach those interfaces too: ACCEPT_CONNECTIONS_FROM lets only the
# container itself (loopback) and the host (the gateway, where the published port's traffic comes from) connect.
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOST=0.0.0.0 \
    ALLOW_NON_LOOPBACK=true \
    ACCEPT_CONNECTIONS_FROM=loopback,gateway \
    PORT=3001 \
    DATA_DIR=/data \
    MASTODON_DIR=/mastodon
# pg_dump and pg_restore, for backups of a Postgres that is not a compose service (lib/backups/host-tools.ts):
# Debian's PostgreSQL 15 client, its two programs only. The package itself would bring pg_wrapper and with it perl
# (about 50 MB); libpq5 comes through apt, so its libraries stay under apt's care. apt-get clean: a base without the
# official image's docker-clean setting would otherwise keep apt's caches (76 MB) in this layer.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 \
 && cd /tmp \
 && apt-get download postgresql-client-15 \
 && dpkg-deb --fsys-tarfile postgresql-client-15_*.deb \
    | tar -x -C / ./usr/lib/postgresql/15/bin/pg_dump ./usr/lib/postgresql/15/bin/pg_restore \
 && ln -s /usr/lib/postgresql/15/bin/pg_dump /usr/lib/postgresql/15/bin/pg_restore /usr/local/bin/ \
 && rm -f /tmp/postgresql-client-15_*.deb \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* \
 && pg_dump --version && pg_restore --version
COPY --from=build /app/.next/standalone ./
COPY --from=build /app/dist ./dist
# /run/mastodash-proxy: where the socket proxy's volume is mounted (a new volume takes this owner).
RUN mkdir -p /data /run/mastodash-proxy && chown node:node /data /run/mastodash-proxy
# Non-root. The Docker socket is reached through its group: run with group_add: ["<gid of the socket>"]
# (stat -c %g /var/run/docker.sock), or through the socket proxy, which needs no group at all.
USER node
VOLUME /data
EXPOSE 3001
# Docker 20.10 (Debian 12) knows no --start-interval: a 15 s interval makes the first check at 15 s.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3001)+'/login',{redirect:'manual'}).then(r=>process.exit(r.status<500?0:1),()=>process.exit(1))"]
CMD ["node", "dist/start.mjs"]
