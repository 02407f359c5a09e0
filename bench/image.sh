#!/usr/bin/env bash
# Measures the container image (issue 7): its size beside its base image's, the time from `docker run` to
# the first answered /login beside a bare Node HTTP server started the same way in the same image, the time
# to `healthy`, and the idle memory of the dashboard and of the socket proxy beside a bare Node process.
# Needs the test bed and the image: npm run testbed:up && bash scripts/testbed/image.sh.
# Rewrites its section of BENCHMARKS.md between the bench:image markers.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/testbed/lib.sh
source scripts/testbed/lib.sh
tb_require_root
source "$TESTBED_RUN/testbed.env"

IMAGE=mastodash:test
BASE=node:20-bookworm-slim
RUNS=${BENCH_RUNS:-5}
PORT=3291
SOCKET=${TESTBED_DOCKER_HOST#unix://}
GID=$(stat -c %g "$SOCKET")
PREFIX=mastodash-bench-image

remove_all() { tb_docker ps -aq --filter "label=mastodash.bench=image" | xargs -r docker -H "$TESTBED_DOCKER_HOST" rm -f -v >/dev/null; }
trap remove_all EXIT
remove_all

now_ms() { date +%s%3N; }
# wait_answer URL: milliseconds until URL answers with a status below 500.
wait_answer() {
  local url=$1 start status
  start=$(now_ms)
  while :; do
    status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" || true)
    if [[ $status =~ ^[1-4][0-9][0-9]$ ]]; then break; fi
    (($(now_ms) - start > 60000)) && tb_die "$url did not answer within 60 s"
    sleep 0.02
  done
  echo $(($(now_ms) - start))
}
percentile() { sort -n | awk -v p="$1" '{ a[NR] = $1 } END { i = int((NR - 1) * p + 0.5) + 1; print a[i] }'; }
rss_mib() { # CONTAINER: resident memory of its processes, MiB (one-shot docker stats)
  tb_docker stats --no-stream --format '{{.MemUsage}}' "$1" | awk '{ print $1 }'
}

dashboard_run=(-d --label mastodash.bench=image --network host --group-add "$GID"
  -v "$SOCKET:/var/run/docker.sock:ro" -v "$TESTBED_MASTODON_DIR:/mastodon:ro"
  -e HOST=127.0.0.1 -e PORT=$PORT -e COMPOSE_PROJECT="$TESTBED_PROJECT"
  -e MASTODON_WEB_URL="http://127.0.0.1:$TESTBED_WEB_PORT" -e MASTODON_STREAMING_URL="http://127.0.0.1:$((TESTBED_WEB_PORT + 1000))"
  -e DASHBOARD_PASSWORD=bench-image-password-long)

dashboard_ms=() bare_ms=()
for ((i = 1; i <= RUNS; i++)); do
  tb_docker run "${dashboard_run[@]}" --name "$PREFIX-$i" "$IMAGE" >/dev/null
  dashboard_ms+=("$(wait_answer "http://127.0.0.1:$PORT/login")")
  tb_docker rm -f -v "$PREFIX-$i" >/dev/null
  tb_docker run -d --label mastodash.bench=image --network host --name "$PREFIX-bare-$i" "$IMAGE" \
    node -e "require('http').createServer((q,s)=>s.end('ok')).listen($PORT,'127.0.0.1')" >/dev/null
  bare_ms+=("$(wait_answer "http://127.0.0.1:$PORT/")")
  tb_docker rm -f -v "$PREFIX-bare-$i" >/dev/null
done

# Health and idle memory: one dashboard, one proxy, one bare Node, left alone for 20 s after healthy.
tb_docker run "${dashboard_run[@]}" --name "$PREFIX-health" "$IMAGE" >/dev/null
health_start=$(now_ms)
while [[ $(tb_docker inspect -f '{{.State.Health.Status}}' "$PREFIX-health") != healthy ]]; do
  (($(now_ms) - health_start > 90000)) && tb_die "the dashboard did not turn healthy within 90 s"
  sleep 0.2
done
healthy_ms=$(($(now_ms) - health_start))
tb_docker run -d --label mastodash.bench=image --network none --group-add "$GID" --name "$PREFIX-proxy" \
  -v "$SOCKET:/var/run/docker.sock:ro" -e COMPOSE_PROJECT="$TESTBED_PROJECT" -e SOCKET_PROXY_PATH=/tmp/docker.sock \
  "$IMAGE" node dist/socket-proxy.mjs >/dev/null
tb_docker run -d --label mastodash.bench=image --network none --name "$PREFIX-bare-idle" "$IMAGE" \
  node -e "require('http').createServer((q,s)=>s.end('ok')).listen(0)" >/dev/null
sleep 20
dashboard_rss=$(rss_mib "$PREFIX-health")
proxy_rss=$(rss_mib "$PREFIX-proxy")
bare_rss=$(rss_mib "$PREFIX-bare-idle")

image_bytes=$(tb_docker image inspect -f '{{.Size}}' "$IMAGE")
base_bytes=$(tb_docker image inspect -f '{{.Size}}' "$BASE")
mb() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1000 / 1000 }'; }
standalone_kb=$(tb_docker run --rm --label mastodash.bench=image --network none "$IMAGE" du -sk /app | awk '{ print $1 }')

fmt_ms() { printf '%s / %s' "$(printf '%s\n' "$@" | percentile 0.5)" "$(printf '%s\n' "$@" | percentile 0.95)"; }
section=$(cat <<EOF
Run $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), Docker $(tb_docker version -f '{{.Server.Version}}'); $RUNS starts each.

| Measure | Mastodash image | Baseline, same run |
|---|---|---|
| Image size | $(mb "$image_bytes") MB (the app in /app: $((standalone_kb / 1024)) MiB) | $(mb "$base_bytes") MB: \`$BASE\` (the local stand-in: Debian bookworm minbase, Node $(node -v), npm) |
| \`docker run\` → first answered \`/login\`, p50 / p95 ms | $(fmt_ms "${dashboard_ms[@]}") | $(fmt_ms "${bare_ms[@]}"): a bare \`node -e\` HTTP server in the same image |
| \`docker run\` → \`healthy\` | $((healthy_ms / 1000)).$(((healthy_ms % 1000) / 100)) s (first check at the 15 s interval) | — |
| Idle memory after 20 s (docker stats) | dashboard $dashboard_rss, socket proxy $proxy_rss | bare Node $bare_rss |
EOF
)
echo "$section"
node -e '
const fs = require("fs");
const [file, start, end, body] = [process.argv[1], "<!-- bench:image:start -->", "<!-- bench:image:end -->", process.argv[2]];
const text = fs.readFileSync(file, "utf8");
const a = text.indexOf(start), b = text.indexOf(end);
if (a === -1 || b === -1) throw new Error("BENCHMARKS.md lacks the bench:image markers");
fs.writeFileSync(file, text.slice(0, a + start.length) + "\n" + body + "\n" + text.slice(b));
' BENCHMARKS.md "$section"
