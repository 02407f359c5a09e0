#!/usr/bin/env bash
# Installs the Debian packages the test bed needs, when missing. Installing them may add system users and
# groups (postgres, docker, redis, influxdb); everything after this step must leave the host's files alone.
set -euo pipefail
# shellcheck source=scripts/testbed/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tb_require_root

packages=(docker.io containerd runc tini postgresql-15 redis-server redis-tools influxdb chromium busybox-static
  iproute2 curl ca-certificates openssl debootstrap)
missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
  [[ $status == ii* ]] || missing+=("$pkg")
done
if ((${#missing[@]} > 0)); then
  tb_log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
