-- settings as in Mastodon 4.4+ db/schema.rb (thing_type/thing_id dropped by 20241205135925).
CREATE TABLE settings (
  id bigserial PRIMARY KEY,
  var character varying NOT NULL,
  value text,
  created_at timestamp without time zone,
  updated_at timestamp without time zone
);
CREATE UNIQUE INDEX index_settings_on_var ON settings (var);
