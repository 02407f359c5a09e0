#!/usr/bin/env bash
# Builds the stand-in images with `docker import` from root filesystems assembled here (busybox-static plus host
# binaries with their shared libraries); there is no image registry. An image is re-imported only when the content
# hash of its root filesystem and settings differs from the one recorded in the image's comment.
set -euo pipefail
# shellcheck source=scripts/testbed/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
tb_require_root

IMAGES_DIR=$TESTBED_SCRIPTS/images
STANDINS=$IMAGES_DIR/standins
TOOTCTL=$IMAGES_DIR/mastodon/tootctl
BUILD_DIR=$TESTBED_ROOT/build
MIGRATIONS=$TESTBED_SCRIPTS/sql/migration-files.txt
IMAGE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/mastodon/bin

# ver_ge A B: true when version A >= version B.
ver_ge() { [[ $(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1) == "$2" ]]; }

# copy_with_libs ROOT SRC DEST: copies the binary SRC to ROOT/DEST and every shared library it loads to the same
# path inside ROOT.
copy_with_libs() {
  local root=$1 src=$2 dest=$3 lib
  install -D -m 0755 "$(readlink -f "$src")" "$root$dest"
  while read -r lib; do
    [[ -e $root$lib ]] || install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
  done < <(ldd "$src" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }')
}

# in_build_dir DIR: every root filesystem is assembled under $BUILD_DIR; anything else (an empty or unset path
# would write the host's /etc) stops the build.
in_build_dir() {
  [[ $1 == "$BUILD_DIR"/?* && $1 != *..* ]] || tb_die "refusing to assemble a root filesystem at '$1' (outside $BUILD_DIR)"
}

# make_base_template DIR: busybox with all applets, tini, passwd/group. Built once per run, copied by make_base.
make_base_template() {
  local dir=$1
  in_build_dir "$dir"
  rm -rf "$dir"
  mkdir -p "$dir"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,usr/local/lib/testbed,etc,root,run,var/tmp,proc,sys,dev,home}
  chmod 0700 "$dir/root"
  install -d -m 1777 "$dir/tmp"
  install -m 0755 "$(readlink -f "$(command -v busybox)")" "$dir/bin/busybox"
  # One perl process instead of ~400 ln processes.
  "$dir/bin/busybox" --list-full |
    BASE=$dir perl -ne 'chomp; my $p = "$ENV{BASE}/$_"; symlink("/bin/busybox", $p) or die "symlink $p: $!" unless -e $p || -l $p'
  install -m 0755 /usr/bin/tini-static "$dir/usr/bin/tini"
  cat >"$dir/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
mastodon:x:991:991::/opt/mastodon:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
  cat >"$dir/etc/group" <<'EOF'
root:x:0:
mastodon:x:991:
nogroup:x:65534:
EOF
}

make_base() {
  in_build_dir "$1"
  rm -rf "$1"
  cp -a "$BUILD_DIR/base" "$1"
}

# add_streaming DIR: the streaming stand-in (node ./streaming[/index.js]).
add_streaming() {
  local dir=$1
  in_build_dir "$dir"
  install -m 0755 "$STANDINS/node" "$dir/usr/local/bin/node"
  install -m 0755 "$STANDINS/streaming" "$dir/usr/local/lib/testbed/streaming"
  install -d "$dir/usr/local/share/testbed/streaming/api/v1/streaming"
  printf 'OK' >"$dir/usr/local/share/testbed/streaming/api/v1/streaming/health"
  install -d "$dir/opt/mastodon/streaming"
  : >"$dir/opt/mastodon/streaming/index.js"
  ln -sfn /opt/mastodon "$dir/mastodon"
}

# make_mastodon_common DIR: everything of the Mastodon image that does not depend on the version.
make_mastodon_common() {
  local dir=$1
  in_build_dir "$dir"
  make_base "$dir"
  add_streaming "$dir"
  install -m 0755 "$STANDINS/bundle" "$dir/usr/local/bin/bundle"
  install -m 0755 "$STANDINS/bash" "$dir/bin/bash"
  install -m 0755 "$STANDINS/web" "$dir/usr/local/lib/testbed/web"
  install -m 0755 "$STANDINS/sidekiq" "$dir/usr/local/lib/testbed/sidekiq"
  install -d "$dir/usr/local/share/testbed/web"
  printf 'OK' >"$dir/usr/local/share/testbed/web/health"
  copy_with_libs "$dir" "$TB_PG_BIN/psql" /usr/bin/psql
  copy_with_libs "$dir" "$(command -v redis-cli)" /usr/bin/redis-cli
  install -d "$dir/opt/mastodon/bin" "$dir/opt/mastodon/config" "$dir/opt/mastodon/public" "$dir/opt/mastodon/tmp"
  : >"$dir/opt/mastodon/config/puma.rb"
  if [[ -f $TOOTCTL ]]; then
    install -m 0755 "$TOOTCTL" "$dir/opt/mastodon/bin/tootctl"
  else
    tb_warn "$TOOTCTL does not exist yet: the images get a tootctl that always fails"
    printf '#!/bin/sh\necho "tootctl: test bed stand-in not installed" >&2\nexit 1\n' >"$dir/opt/mastodon/bin/tootctl"
    chmod 0755 "$dir/opt/mastodon/bin/tootctl"
  fi
}

# set_mastodon_version DIR VERSION: migrations and ownership of that version. The migration files are those
# seed/postgres.sh records in schema_migrations (all but the last), so that exactly one migration is pending.
set_mastodon_version() {
  local dir=$1 version=$2 file
  in_build_dir "$dir"
  rm -rf "$dir/opt/mastodon/db"
  install -d "$dir/opt/mastodon/db/migrate" "$dir/opt/mastodon/db/post_migrate"
  while read -r file; do
    [[ -n $file ]] && : >"$dir/opt/mastodon/db/migrate/$file"
  done <"$MIGRATIONS"
  # <= 4.2 copied the app --chown=mastodon; 4.3+ leaves it root-owned and chowns only tmp. public/system stays
  # root-owned in both: that is what the bind mount hides, and what the tests reproduce.
  if ver_ge "$version" 4.3.0; then
    chown -R 0:0 "$dir/opt/mastodon"
  else
    chown -R 991:991 "$dir/opt/mastodon"
  fi
  chown -R 991:991 "$dir/opt/mastodon/tmp"
  # What /api/v2/instance answers (mastodon/mastodon app/serializers/rest/instance_serializer.rb), for the
  # dashboard's version probe; the httpd serves it as a file.
  install -d "$dir/usr/local/share/testbed/web/api/v2"
  printf '{"domain":"mastodon.test","title":"Mastodash test bed","version":"%s","source_url":"https://github.com/mastodon/mastodon"}' \
    "$version" >"$dir/usr/local/share/testbed/web/api/v2/instance"
  install -d -o 0 -g 0 -m 0755 "$dir/opt/mastodon/public/system"
  chown 0:0 "$dir/opt/mastodon/public/system"
  chmod 0755 "$dir/opt/mastodon/public/system"
}

# tree_hash DIR SETTINGS: hash of the names, types, modes, owners, link targets and contents under DIR, plus SETTINGS.
tree_hash() {
  {
    (cd "$1" && find . -printf '%P\t%y\t%m\t%U\t%G\t%l\n' | LC_ALL=C sort)
    (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
    printf '%s\n' "$2"
  } | sha256sum | cut -c1-64
}

# import DIR TAG CHANGE...: imports DIR as TAG unless TAG already holds the same content. Prints the tag.
import_image() {
  local dir=$1 tag=$2
  shift 2
  local hash comment current change_args=()
  hash=$(tree_hash "$dir" "$*")
  comment="mastodash-testbed $hash"
  current=$(tb_docker image inspect -f '{{.Comment}}' "$tag" 2>/dev/null || true)
  if [[ $current == "$comment" ]]; then return 0; fi
  local change
  for change in "$@"; do change_args+=(--change "$change"); done
  tb_log "importing image $tag"
  tar -C "$dir" --numeric-owner -cf - . | tb_docker import -m "$comment" "${change_args[@]}" - "$tag" >/dev/null
}

common_env=("ENV PATH=$IMAGE_PATH" "ENV RAILS_ENV=production" "ENV NODE_ENV=production")
entry_tini='ENTRYPOINT ["/usr/bin/tini", "--"]'

mkdir -p "$BUILD_DIR"
make_base_template "$BUILD_DIR/base"
if [[ ! -f $MIGRATIONS ]]; then
  tb_warn "$MIGRATIONS is missing: the images carry placeholder migrations that match no database"
  MIGRATIONS=$BUILD_DIR/migration-files.txt
  printf '%s\n' 20240101000000_testbed_placeholder.rb 20240101000100_testbed_placeholder.rb >"$MIGRATIONS"
fi

# Mastodon (web, sidekiq, and streaming up to 4.2). TB_BUILD_ONLY_MASTODON="4.1.9 4.2.8" rebuilds just those Mastodon
# tags and stops there: a way to refresh tags no running project uses while others test on the shared test bed.
make_mastodon_common "$BUILD_DIR/mastodon"
only=${TB_BUILD_ONLY_MASTODON:-}
for version in ${only:-$TB_MASTODON_VERSIONS}; do
  [[ " $TB_MASTODON_VERSIONS " == *" $version "* ]] || tb_die "TB_BUILD_ONLY_MASTODON: $version is not in TB_MASTODON_VERSIONS"
  set_mastodon_version "$BUILD_DIR/mastodon" "$version"
  import_image "$BUILD_DIR/mastodon" "ghcr.io/mastodon/mastodon:v$version" \
    "${common_env[@]}" "ENV MASTODON_VERSION=$version" "WORKDIR /opt/mastodon" "USER mastodon" \
    "EXPOSE 3000" "EXPOSE 4000" "$entry_tini"
done
if [[ -n $only ]]; then exit 0; fi

# mastodon-streaming (4.3+): Node only, no tootctl.
make_base "$BUILD_DIR/streaming"
add_streaming "$BUILD_DIR/streaming"
for version in $TB_MASTODON_VERSIONS; do
  ver_ge "$version" 4.3.0 || continue
  import_image "$BUILD_DIR/streaming" "ghcr.io/mastodon/mastodon-streaming:v$version" \
    "${common_env[@]}" "WORKDIR /opt/mastodon" "USER mastodon" "EXPOSE 4000" "$entry_tini"
done

# postgres:14-alpine and redis:7-alpine: compose-shaped stand-ins only; the real servers run on the host.
make_base "$BUILD_DIR/postgres"
echo 'postgres:x:70:70:PostgreSQL:/var/lib/postgresql:/bin/sh' >>"$BUILD_DIR/postgres/etc/passwd"
echo 'postgres:x:70:' >>"$BUILD_DIR/postgres/etc/group"
install -d -o 70 -g 70 -m 0700 "$BUILD_DIR/postgres/var/lib/postgresql/data"
for f in docker-entrypoint.sh postgres pg_isready; do install -m 0755 "$STANDINS/$f" "$BUILD_DIR/postgres/usr/local/bin/$f"; done
import_image "$BUILD_DIR/postgres" postgres:14-alpine \
  "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "ENV PG_MAJOR=14" "ENV PG_VERSION=14.13" \
  "ENV PGDATA=/var/lib/postgresql/data" 'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["postgres"]' "EXPOSE 5432"

# postgres:15-bookworm: a REAL Postgres for the projects started with `project.sh up --db real` (backups run
# pg_dump and pg_restore inside it, as on a compose deployment): Debian's PostgreSQL 15 binaries from the host's
# postgresql-15 package with their libraries, its share files, the system time zones, and an entrypoint that
# follows the official image's documented interface (images/postgres/docker-entrypoint.sh).
# docker import takes no STOPSIGNAL: project.sh passes the official image's SIGINT (fast shutdown) with --stop-signal.
make_base "$BUILD_DIR/postgres-real"
echo 'postgres:x:999:999:PostgreSQL:/var/lib/postgresql:/bin/sh' >>"$BUILD_DIR/postgres-real/etc/passwd"
echo 'postgres:x:999:' >>"$BUILD_DIR/postgres-real/etc/group"
pg_lib=$(dirname "$TB_PG_BIN")
for f in "$TB_PG_BIN"/*; do
  copy_with_libs "$BUILD_DIR/postgres-real" "$f" "$f"
  ln -sf "$f" "$BUILD_DIR/postgres-real/usr/local/bin/$(basename "$f")"
done
# Not llvmjit.so: it pulls in all of LLVM (~100 MB) for JIT, which the server then simply does without.
for f in "$pg_lib"/lib/*.so; do
  [[ $(basename "$f") == llvmjit* ]] || copy_with_libs "$BUILD_DIR/postgres-real" "$f" "$f"
done
mkdir -p "$BUILD_DIR/postgres-real/usr/share/postgresql" "$BUILD_DIR/postgres-real/usr/share/zoneinfo"
cp -a "/usr/share/postgresql/$(basename "$pg_lib")" "$BUILD_DIR/postgres-real/usr/share/postgresql/"
cp -a /usr/share/zoneinfo/. "$BUILD_DIR/postgres-real/usr/share/zoneinfo/"
# C.UTF-8, the locale initdb is given (Debian ships it compiled in libc-bin; glibc does not build it in).
mkdir -p "$BUILD_DIR/postgres-real/usr/lib/locale"
cp -a /usr/lib/locale/C.utf8 "$BUILD_DIR/postgres-real/usr/lib/locale/"
install -d -o 999 -g 999 -m 0700 "$BUILD_DIR/postgres-real/var/lib/postgresql/data"
install -d -o 999 -g 999 -m 2775 "$BUILD_DIR/postgres-real/var/run/postgresql"
install -m 0755 "$IMAGES_DIR/postgres/docker-entrypoint.sh" "$BUILD_DIR/postgres-real/usr/local/bin/docker-entrypoint.sh"
# util-linux's setpriv drops to the postgres user (busybox's cannot change uids; the official image uses gosu).
copy_with_libs "$BUILD_DIR/postgres-real" "$(command -v setpriv)" /usr/bin/setpriv
pg_full_version=$("$TB_PG_BIN/postgres" --version | awk '{ print $3 }')
import_image "$BUILD_DIR/postgres-real" postgres:15-bookworm \
  "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "ENV PG_MAJOR=15" \
  "ENV PG_VERSION=$pg_full_version" "ENV PGDATA=/var/lib/postgresql/data" \
  'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["postgres"]' "EXPOSE 5432"

make_base "$BUILD_DIR/redis"
echo 'redis:x:999:1000:Linux User,,,:/home/redis:/sbin/nologin' >>"$BUILD_DIR/redis/etc/passwd"
echo 'redis:x:1000:redis' >>"$BUILD_DIR/redis/etc/group"
install -d -o 999 -g 1000 "$BUILD_DIR/redis/data"
for f in docker-entrypoint.sh redis-server redis-cli; do install -m 0755 "$STANDINS/$f" "$BUILD_DIR/redis/usr/local/bin/$f"; done
import_image "$BUILD_DIR/redis" redis:7-alpine \
  "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "ENV REDIS_VERSION=7.4.1" \
  "WORKDIR /data" 'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["redis-server"]' "EXPOSE 6379"

# Images replaced by a rebuild and no longer used by a container.
tb_docker image prune -f >/dev/null
