-- settings as in Mastodon 4.0-4.3 db/schema.rb: per-user rows carry thing_type/thing_id, site-wide rows have both NULL.
-- NULLs are distinct in the unique index, so it never conflicts for site-wide rows (no ON CONFLICT possible).
CREATE TABLE settings (
  id bigserial PRIMARY KEY,
  var character varying NOT NULL,
  value text,
  thing_type character varying,
  created_at timestamp without time zone,
  updated_at timestamp without time zone,
  thing_id bigint
);
CREATE UNIQUE INDEX index_settings_on_thing_type_and_thing_id_and_var ON settings (thing_type, thing_id, var);
