#!/usr/bin/env bash
# Stands in for the official node:20-bookworm-slim image, which the Dockerfile builds on: there is no image
# registry here. A Debian bookworm root filesystem from debootstrap (minbase), the host's Node 20 and npm, a `node`
# user with uid/gid 1000 as in the official image, and the host's CA certificates (the package registry is reached
# through an intercepting proxy, so npm ci inside the build needs them). Imported under the official tag, so that
# the Dockerfile itself stays standard. Skipped when the tag already holds this recipe.
#
# --prepare assembles the root filesystem only and needs no dockerd: debootstrap spends minutes downloading, so
# scripts/test-all.sh starts it first and lets it run beside the other steps. The import afterwards reuses a root
# filesystem prepared from the same recipe.
set -euo pipefail
# shellcheck source=scripts/testbed/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
tb_require_root

TAG=${NODE_BASE_TAG:-node:20-bookworm-slim}
ROOTFS=$TESTBED_ROOT/build/node-base
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

command -v debootstrap >/dev/null || tb_die "debootstrap is missing (scripts/testbed/install-packages.sh installs it)"
node_bin=$(readlink -f "$(command -v node)")
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
[[ -f $npm_dir/package.json ]] || tb_die "cannot find npm's package directory (looked at $npm_dir)"
node_version=$("$node_bin" -v)
[[ $node_version == v20.* ]] || tb_die "the stand-in for $TAG needs Node 20 on the host, found $node_version"

# The recipe: this script, Node's and npm's versions, the extra CA certificates.
recipe=$( {
  cat "${BASH_SOURCE[0]}"
  echo "$node_version $(node -p 'require(process.argv[1]).version' "$npm_dir/package.json")"
  cat /usr/local/share/ca-certificates/*.crt 2>/dev/null || true
} | sha256sum | cut -c1-16)
comment="mastodash-testbed node-base $recipe"
prepared_stamp=$ROOTFS.recipe
prepare=no
[[ ${1:-} == --prepare ]] && prepare=yes

if [[ $prepare == no && $(tb_docker image inspect -f '{{.Comment}}' "$TAG" 2>/dev/null || true) == "$comment" ]]; then
  exit 0
fi

if [[ $(cat "$prepared_stamp" 2>/dev/null || true) != "$recipe" || ! -d $ROOTFS ]]; then
  mkdir -p "$TESTBED_LOGS"
  [[ $ROOTFS == "$TESTBED_ROOT"/build/?* ]] || tb_die "refusing to build a root filesystem at $ROOTFS"
  rm -rf "$ROOTFS" "$prepared_stamp"
  mkdir -p "$ROOTFS"
  tb_log "debootstrap bookworm (minbase) for $TAG"
  debootstrap --variant=minbase --include=ca-certificates bookworm "$ROOTFS" "$MIRROR" \
    >"$TESTBED_LOGS/node-base-debootstrap.log" 2>&1 ||
    tb_die "debootstrap failed (log: $TESTBED_LOGS/node-base-debootstrap.log)"

  # Node: the host's binary links only against glibc and libstdc++, both in the root filesystem.
  install -D -m 0755 "$node_bin" "$ROOTFS/usr/local/bin/node"
  mkdir -p "$ROOTFS/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$ROOTFS/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"
  # node-gyp builds native modules (better-sqlite3) against these headers instead of downloading them.
  if [[ -d /usr/include/node ]]; then
    mkdir -p "$ROOTFS/usr/local/include"
    cp -a /usr/include/node "$ROOTFS/usr/local/include/node"
  fi

  # The official image's user: uid and gid 1000, home /home/node.
  chroot "$ROOTFS" groupadd --gid 1000 node
  chroot "$ROOTFS" useradd --uid 1000 --gid node --shell /bin/bash --create-home node

  for cert in /usr/local/share/ca-certificates/*.crt; do
    [[ -f $cert ]] && install -m 0644 "$cert" "$ROOTFS/usr/local/share/ca-certificates/"
  done
  chroot "$ROOTFS" update-ca-certificates >/dev/null 2>&1
  rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*

  echo "$recipe" >"$prepared_stamp"
fi
[[ $prepare == yes ]] && exit 0

tb_log "importing $TAG"
tar -C "$ROOTFS" --numeric-owner -cf - . | tb_docker import -m "$comment" \
  -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  -c 'ENV NODE_VERSION='"${node_version#v}" \
  -c 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  -c 'ENV npm_config_nodedir=/usr/local' \
  -c 'CMD ["node"]' - "$TAG" >/dev/null
rm -rf "$ROOTFS" "$prepared_stamp"
