#!/usr/bin/env bash
# Stops and removes everything up.sh started: containers, dockerd and its containerd, PostgreSQL, Redis, InfluxDB,
# then the mounts dockerd left under its roots and the directories $TESTBED_ROOT and $TESTBED_RUN. Touches nothing
# else: every process is found through the test bed's pid files and checked against its own paths.
set -euo pipefail
# shellcheck source=scripts/testbed/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tb_require_root
tb_run_alone "$@"
started=$SECONDS

# Containers kept alive by live-restore while dockerd was stopped: bring dockerd back to remove them cleanly.
if tb_containerd_pid >/dev/null && ! tb_dockerd_pid >/dev/null && [[ -f $TESTBED_ROOT/daemon.json ]]; then
  tb_log "dockerd is stopped but its containerd runs: starting dockerd to remove the containers"
  tb_start_dockerd || tb_warn "dockerd did not start; killing the containers through containerd"
fi
if tb_dockerd_answers; then
  ids=$(tb_docker ps -aq)
  if [[ -n $ids ]]; then
    tb_log "removing $(wc -w <<<"$ids") containers"
    # shellcheck disable=SC2086  # one id per word
    tb_docker rm -f $ids >/dev/null
  fi
  # The bridge shape's networks: their Linux bridges would outlive the daemon.
  ids=$(tb_docker network ls -q --filter type=custom)
  if [[ -n $ids ]]; then
    tb_log "removing $(wc -w <<<"$ids") networks"
    # shellcheck disable=SC2086  # one id per word
    tb_docker network rm $ids >/dev/null
  fi
fi
tb_stop_dockerd

if tb_containerd_answers; then
  ctr_() { ctr --address "$TB_CONTAINERD_SOCK" --namespace moby "$@"; }
  for task in $(ctr_ tasks ls -q 2>/dev/null); do
    tb_log "killing container task $task left in containerd"
    ctr_ tasks kill -s SIGKILL "$task" >/dev/null 2>&1 || true
    sleep 0.5
    ctr_ tasks delete "$task" >/dev/null 2>&1 || true
  done
fi
tb_stop_containerd

# Shims outlive containerd; ours carry our containerd's socket on their command line.
for cmdline in /proc/[0-9]*/cmdline; do
  pid=${cmdline#/proc/}
  pid=${pid%/cmdline}
  if tb_pid_alive "$pid" "containerd-shim" && tb_pid_alive "$pid" "$TB_CONTAINERD_SOCK"; then
    tb_log "stopping containerd shim (pid $pid)"
    tb_stop_pid containerd-shim "$pid" "$TB_CONTAINERD_SOCK" 10
  fi
done

tb_stop_postgres
tb_stop_redis
tb_stop_influxdb

# Mounts dockerd and containerd left behind (overlay, shm, netns), deepest first.
mapfile -t mounts < <(awk -v root="$TESTBED_ROOT/" -v run="$TESTBED_RUN/" \
  'index($5 "/", root) == 1 || index($5 "/", run) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
for mnt in "${mounts[@]}"; do
  umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || tb_warn "could not unmount $mnt"
done
((${#mounts[@]} == 0)) || tb_log "unmounted ${#mounts[@]} leftover mounts"

[[ $TESTBED_ROOT == /var/lib/mastodash-testbed && $TESTBED_RUN == /run/mastodash-testbed ]] ||
  tb_die "refusing to delete unexpected paths '$TESTBED_ROOT' '$TESTBED_RUN'"
rm -rf "$TESTBED_ROOT" "$TESTBED_RUN"
tb_log "test bed removed in $((SECONDS - started))s"
