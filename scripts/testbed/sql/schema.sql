-- The Mastodon tables Mastodash reads, with the column names and types of Mastodon's db/schema.rb (4.x).
-- Only the columns the dashboard or the stand-in tootctl touch are kept, plus a few neighbours for realism.
-- Rails `t.datetime` is `timestamp without time zone` (precision 6 for Rails 7 tables, none for older ones).
--
-- ids: accounts uses Mastodon's `timestamp_id('accounts')` default (a snowflake-like id above 2^53, so the
-- dashboard must treat ids as strings); the other tables use plain bigserial sequences, as Rails creates them.
-- The settings table lives in settings-43.sql / settings-44.sql.

-- Mastodon's lib/mastodon/snowflake.rb: milliseconds since the epoch << 16, plus a per-table sequence
-- hashed with a salt. The salt is random per install in Mastodon; a fixed one is enough here.
CREATE OR REPLACE FUNCTION timestamp_id(table_name text) RETURNS bigint AS $$
DECLARE
  time_part bigint;
  sequence_base bigint;
  tail bigint;
BEGIN
  time_part := (((date_part('epoch', now()) * 1000))::bigint << 16);
  sequence_base := ('x' || substr(md5(table_name || 'mastodash-testbed-salt' || time_part::text), 1, 4))::bit(16)::bigint;
  tail := ((sequence_base + nextval(table_name || '_id_seq')) & 65535);
  RETURN time_part | tail;
END
$$ LANGUAGE plpgsql VOLATILE;

CREATE SEQUENCE accounts_id_seq;

CREATE TABLE accounts (
  id bigint NOT NULL DEFAULT timestamp_id('accounts') PRIMARY KEY,
  username character varying NOT NULL DEFAULT '',
  domain character varying,
  private_key text,
  public_key text NOT NULL DEFAULT '',
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL,
  note text NOT NULL DEFAULT '',
  display_name character varying NOT NULL DEFAULT '',
  uri character varying NOT NULL DEFAULT '',
  url character varying,
  locked boolean NOT NULL DEFAULT false,
  suspended_at timestamp without time zone,
  silenced_at timestamp without time zone,
  actor_type character varying,
  discoverable boolean,
  memorial boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX index_accounts_on_username_and_domain_lower
  ON accounts (lower((username)::text), COALESCE(lower((domain)::text), ''::text));
CREATE INDEX index_accounts_on_domain_and_id ON accounts (domain, id);

CREATE TABLE user_roles (
  id bigserial PRIMARY KEY,
  name character varying NOT NULL DEFAULT '',
  color character varying NOT NULL DEFAULT '',
  position integer NOT NULL DEFAULT 0,
  permissions bigint NOT NULL DEFAULT 0,
  highlighted boolean NOT NULL DEFAULT false,
  created_at timestamp(6) without time zone NOT NULL,
  updated_at timestamp(6) without time zone NOT NULL
);

-- users.settings (JSON text) exists from 4.2; 4.0/4.1 ignore it, so one shape serves 4.0-4.3.
CREATE TABLE users (
  id bigserial PRIMARY KEY,
  email character varying NOT NULL DEFAULT '',
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL,
  encrypted_password character varying NOT NULL DEFAULT '',
  reset_password_token character varying,
  reset_password_sent_at timestamp without time zone,
  sign_in_count integer NOT NULL DEFAULT 0,
  current_sign_in_at timestamp without time zone,
  last_sign_in_at timestamp without time zone,
  confirmation_token character varying,
  confirmed_at timestamp without time zone,
  confirmation_sent_at timestamp without time zone,
  unconfirmed_email character varying,
  locale character varying,
  otp_required_for_login boolean NOT NULL DEFAULT false,
  last_emailed_at timestamp without time zone,
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  disabled boolean NOT NULL DEFAULT false,
  invite_id bigint,
  chosen_languages character varying[],
  approved boolean NOT NULL DEFAULT true,
  sign_up_ip inet,
  role_id bigint REFERENCES user_roles (id) ON DELETE SET NULL,
  settings text,
  time_zone character varying
);
CREATE UNIQUE INDEX index_users_on_email ON users (email);
CREATE INDEX index_users_on_account_id ON users (account_id);
CREATE INDEX index_users_on_role_id ON users (role_id) WHERE (role_id IS NOT NULL);
CREATE UNIQUE INDEX index_users_on_confirmation_token ON users (confirmation_token);

CREATE TABLE account_stats (
  id bigserial PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  statuses_count bigint NOT NULL DEFAULT 0,
  following_count bigint NOT NULL DEFAULT 0,
  followers_count bigint NOT NULL DEFAULT 0,
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL,
  last_status_at timestamp without time zone
);
CREATE UNIQUE INDEX index_account_stats_on_account_id ON account_stats (account_id);

CREATE TABLE reports (
  id bigserial PRIMARY KEY,
  status_ids bigint[] NOT NULL DEFAULT '{}',
  comment text NOT NULL DEFAULT '',
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL,
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  action_taken_by_account_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
  target_account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  assigned_account_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
  uri character varying,
  forwarded boolean,
  category integer NOT NULL DEFAULT 0,
  action_taken_at timestamp without time zone,
  rule_ids bigint[]
);
CREATE INDEX index_reports_on_account_id ON reports (account_id);
CREATE INDEX index_reports_on_target_account_id ON reports (target_account_id);

-- appeals.account_warning_id references account_warnings in Mastodon; that table is not part of the test bed.
CREATE TABLE appeals (
  id bigserial PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  account_warning_id bigint NOT NULL,
  text text NOT NULL DEFAULT '',
  approved_at timestamp without time zone,
  approved_by_account_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
  rejected_at timestamp without time zone,
  rejected_by_account_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
  created_at timestamp(6) without time zone NOT NULL,
  updated_at timestamp(6) without time zone NOT NULL
);
CREATE INDEX index_appeals_on_account_id ON appeals (account_id);
CREATE UNIQUE INDEX index_appeals_on_account_warning_id ON appeals (account_warning_id);

-- statuses and media_attachments as in Mastodon v4.3.17's db/schema.rb (glitch-soc/mastodon at that tag, without
-- glitch-soc's own local_only and content_type columns). Backups compare their row counts after a test restore;
-- `tootctl media remove` clears the cached files of remote media_attachments.
CREATE SEQUENCE statuses_id_seq;

CREATE TABLE statuses (
  id bigint NOT NULL DEFAULT timestamp_id('statuses') PRIMARY KEY,
  uri character varying,
  text text NOT NULL DEFAULT '',
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL,
  in_reply_to_id bigint,
  reblog_of_id bigint,
  url character varying,
  sensitive boolean NOT NULL DEFAULT false,
  visibility integer NOT NULL DEFAULT 0,
  spoiler_text text NOT NULL DEFAULT '',
  reply boolean NOT NULL DEFAULT false,
  language character varying,
  conversation_id bigint,
  local boolean,
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  application_id bigint,
  in_reply_to_account_id bigint,
  poll_id bigint,
  deleted_at timestamp without time zone,
  edited_at timestamp without time zone,
  trendable boolean,
  ordered_media_attachment_ids bigint[]
);
CREATE INDEX index_statuses_on_account_id ON statuses (account_id);
CREATE UNIQUE INDEX index_statuses_on_uri ON statuses (uri text_pattern_ops) WHERE uri IS NOT NULL;

CREATE SEQUENCE media_attachments_id_seq;

CREATE TABLE media_attachments (
  id bigint NOT NULL DEFAULT timestamp_id('media_attachments') PRIMARY KEY,
  status_id bigint REFERENCES statuses (id) ON DELETE SET NULL,
  file_file_name character varying,
  file_content_type character varying,
  file_file_size integer,
  file_updated_at timestamp without time zone,
  remote_url character varying NOT NULL DEFAULT '',
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL,
  shortcode character varying,
  type integer NOT NULL DEFAULT 0,
  file_meta json,
  account_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
  description text,
  scheduled_status_id bigint,
  blurhash character varying,
  processing integer,
  file_storage_schema_version integer,
  thumbnail_file_name character varying,
  thumbnail_content_type character varying,
  thumbnail_file_size integer,
  thumbnail_updated_at timestamp without time zone,
  thumbnail_remote_url character varying
);
CREATE INDEX index_media_attachments_on_account_id_and_status_id ON media_attachments (account_id, status_id DESC);
CREATE INDEX index_media_attachments_on_status_id ON media_attachments (status_id);

CREATE TABLE schema_migrations (
  version character varying NOT NULL PRIMARY KEY
);

CREATE TABLE ar_internal_metadata (
  key character varying NOT NULL PRIMARY KEY,
  value character varying,
  created_at timestamp(6) without time zone NOT NULL,
  updated_at timestamp(6) without time zone NOT NULL
);
