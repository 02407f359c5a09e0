#!/usr/bin/env bash
# Creates (drops and recreates on every run) the role `mastodon` and the databases mastodon_43 (settings with
# thing_type/thing_id, Mastodon <=4.3) and mastodon_44 (4.4+ settings shape), applies the schema and seeds them.
#
# Env: PGHOST (socket dir or host), PGPORT, PGUSER (a superuser, normally postgres).
#      LOCAL_DOMAIN (optional): username of the instance actor, default mdtest.example.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
sql_dir=$(cd "$here/../sql" && pwd)
: "${PGHOST:?PGHOST (Postgres socket dir or host) must be set}"
: "${PGPORT:?PGPORT must be set}"
export PGUSER=${PGUSER:-postgres}
local_domain=${LOCAL_DOMAIN:-mdtest.example}
db_password=testbed-db-pass

psql_admin() { psql -X -q -v ON_ERROR_STOP=1 -d postgres "$@"; }

# Every migration file the stand-in image carries is recorded except the last, so exactly one is pending.
mapfile -t migration_files < <(grep -v '^[[:space:]]*$' "$sql_dir/migration-files.txt")
if [ "${#migration_files[@]}" -lt 2 ]; then
  echo "postgres.sh: $sql_dir/migration-files.txt needs at least two migrations" >&2
  exit 1
fi
applied=()
for file in "${migration_files[@]:0:${#migration_files[@]}-1}"; do
  applied+=("${file%%_*}")
done
migrations=$(IFS=,; echo "${applied[*]}")

psql_admin -v pass="$db_password" <<'SQL'
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mastodon') AS missing \gset
\if :missing
CREATE ROLE mastodon LOGIN;
\endif
ALTER ROLE mastodon LOGIN PASSWORD :'pass';
SQL

for shape in 43 44; do
  db=mastodon_$shape
  psql_admin -v db="$db" <<'SQL'
SET client_min_messages = warning;
DROP DATABASE IF EXISTS :"db" WITH (FORCE);
CREATE DATABASE :"db" OWNER mastodon ENCODING 'UTF8' TEMPLATE template0;
SQL
  # Objects are created as mastodon so that the application role owns them, as after `rails db:setup`.
  {
    echo 'SET ROLE mastodon;'
    cat "$sql_dir/schema.sql" "$sql_dir/settings-$shape.sql" "$sql_dir/seed.sql" "$sql_dir/seed-settings-$shape.sql"
  } | psql -X -q -v ON_ERROR_STOP=1 -d "$db" \
        -v local_domain="$local_domain" -v shape="$shape" -v migrations="$migrations"

  echo "$db:"
  psql -X -q -At -F $'\t' -d "$db" <<'SQL' | while IFS=$'\t' read -r label value; do printf '  %-28s %s\n' "$label" "$value"; done
SELECT 'local accounts (no actor)', count(*) FROM accounts WHERE domain IS NULL AND id <> -99;
SELECT 'remote accounts', count(*) FROM accounts WHERE domain IS NOT NULL;
SELECT 'users', count(*) FROM users;
SELECT 'pending approval', count(*) FROM users WHERE approved = false;
SELECT 'unconfirmed', count(*) FROM users WHERE confirmed_at IS NULL;
SELECT 'open reports', count(*) FROM reports WHERE action_taken_at IS NULL;
SELECT 'resolved reports', count(*) FROM reports WHERE action_taken_at IS NOT NULL;
SELECT 'pending appeals', count(*) FROM appeals WHERE approved_at IS NULL AND rejected_at IS NULL;
SELECT 'owner', string_agg(a.username, ',') FROM users u JOIN accounts a ON a.id = u.account_id
  JOIN user_roles r ON r.id = u.role_id WHERE (r.permissions & 1) = 1;
SELECT 'settings rows', string_agg(var || coalesce('(' || (to_jsonb(s) ->> 'thing_type') || ')', ''), ',' ORDER BY var) FROM settings s;
SELECT 'migrations applied/pending', count(*) || '/1' FROM schema_migrations;
SQL
done
echo "postgres.sh: seeded mastodon_43 and mastodon_44 (role mastodon, password $db_password); pending migration: ${migration_files[-1]}"
