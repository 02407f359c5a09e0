-- Seed data for one test bed database. psql variables:
--   local_domain  username of the instance actor (Mastodon uses LOCAL_DOMAIN)
--   shape         43 (settings with thing_type/thing_id) or 44
--   migrations    comma-separated schema_migrations versions to record
\set ON_ERROR_STOP on
BEGIN;

-- config/roles.yml as of 4.x (view_feeds, 1<<20, is newer than 4.6 and left out).
-- everyone: invite_users; Moderator: invite_users, view_dashboard, view_audit_log, manage_users, manage_reports,
-- manage_taxonomies; Admin: every bit up to delete_user_data except administrator and view_devops; Owner: administrator.
INSERT INTO user_roles (id, name, color, position, permissions, highlighted, created_at, updated_at) VALUES
  (-99, '', '', -1, 65536, false, now(), now());
INSERT INTO user_roles (name, color, position, permissions, highlighted, created_at, updated_at) VALUES
  ('Moderator', '', 10, 66844, true, now(), now()),
  ('Admin', '', 100, 1048572, true, now(), now()),
  ('Owner', '', 1000, 1, true, now(), now());

-- Account::INSTANCE_ACTOR_ID; Mastodon names it after LOCAL_DOMAIN, which fails the local username format on purpose.
INSERT INTO accounts (id, username, domain, actor_type, locked, created_at, updated_at)
VALUES (-99, :'local_domain', NULL, 'Application', true, now() - interval '400 days', now() - interval '400 days');

INSERT INTO accounts (username, domain, display_name, uri, url, actor_type, suspended_at, silenced_at, memorial, created_at, updated_at) VALUES
  ('alice', NULL, 'Alice (owner)', '', NULL, NULL, NULL, NULL, false, now() - interval '300 days', now() - interval '1 day'),
  ('bob', NULL, 'Bob', '', NULL, NULL, NULL, NULL, false, now() - interval '200 days', now() - interval '2 days'),
  ('carol', NULL, 'Carol', '', NULL, NULL, NULL, NULL, false, now() - interval '100 days', now() - interval '3 days'),
  ('dave', NULL, 'Dave (unconfirmed)', '', NULL, NULL, NULL, NULL, false, now() - interval '2 days', now() - interval '2 days'),
  ('erin', NULL, 'Erin (pending approval)', '', NULL, NULL, NULL, NULL, false, now() - interval '1 day', now() - interval '1 day'),
  ('frank', NULL, 'Frank (disabled)', '', NULL, NULL, NULL, NULL, false, now() - interval '50 days', now() - interval '10 days'),
  ('grace', NULL, 'Grace (suspended)', '', NULL, NULL, now() - interval '5 days', NULL, false, now() - interval '60 days', now() - interval '5 days'),
  ('Gargron', 'mastodon.social', 'Eugen', 'https://mastodon.social/users/Gargron', 'https://mastodon.social/@Gargron', 'Person', NULL, NULL, false, now() - interval '250 days', now() - interval '1 day'),
  ('newsbot', 'bots.example', 'News bot', 'https://bots.example/users/newsbot', 'https://bots.example/@newsbot', 'Service', NULL, NULL, false, now() - interval '90 days', now() - interval '1 day'),
  ('spammer', 'spam.example', 'Totally legit', 'https://spam.example/users/spammer', 'https://spam.example/@spammer', 'Person', now() - interval '1 day', NULL, false, now() - interval '3 days', now() - interval '1 day'),
  ('loud', 'example.net', 'Very loud', 'https://example.net/users/loud', 'https://example.net/@loud', 'Person', NULL, now() - interval '7 days', false, now() - interval '30 days', now() - interval '7 days'),
  ('remembered', 'example.org', 'In memoriam', 'https://example.org/users/remembered', 'https://example.org/@remembered', 'Person', NULL, NULL, true, now() - interval '700 days', now() - interval '20 days');

-- One user per local account except the instance actor. sign_up_ip is inet; encrypted_password stays '' (no bcrypt here).
INSERT INTO users (email, account_id, role_id, confirmed_at, approved, disabled, current_sign_in_at, last_sign_in_at, sign_in_count,
                   sign_up_ip, otp_required_for_login, locale, settings, created_at, updated_at)
SELECT v.email, a.id, r.id, v.confirmed_at, v.approved, v.disabled, v.signed_in, v.signed_in, v.sign_ins,
       v.ip::inet, v.otp, 'en', v.settings, a.created_at, a.updated_at
FROM (VALUES
  ('alice', 'alice@testbed.example', 'Owner', now() - interval '300 days', true, false, now() - interval '1 hour', 120, '192.0.2.10', true, '{"default_language":"en"}'),
  ('bob', 'bob@testbed.example', NULL, now() - interval '200 days', true, false, now() - interval '3 days', 40, '192.0.2.11', false, NULL),
  ('carol', 'carol@testbed.example', 'Moderator', now() - interval '100 days', true, false, now() - interval '20 days', 9, '2001:db8::12', false, NULL),
  ('dave', 'dave@testbed.example', NULL, NULL, true, false, NULL, 0, '192.0.2.13', false, NULL),
  ('erin', 'erin@testbed.example', NULL, now() - interval '1 day', false, false, NULL, 0, '198.51.100.14', false, NULL),
  ('frank', 'frank@testbed.example', NULL, now() - interval '50 days', true, true, now() - interval '15 days', 3, '198.51.100.15', false, NULL),
  ('grace', 'grace@testbed.example', NULL, now() - interval '60 days', true, false, now() - interval '6 days', 5, '203.0.113.16', false, NULL)
) AS v(username, email, role, confirmed_at, approved, disabled, signed_in, sign_ins, ip, otp, settings)
JOIN accounts a ON a.username = v.username AND a.domain IS NULL
LEFT JOIN user_roles r ON r.name = v.role;

INSERT INTO account_stats (account_id, statuses_count, following_count, followers_count, last_status_at, created_at, updated_at)
SELECT a.id, v.statuses, v.following, v.followers, CASE WHEN v.statuses > 0 THEN now() - interval '1 day' END, now(), now()
FROM (VALUES
  ('alice', NULL, 120, 35, 80), ('bob', NULL, 42, 10, 12), ('carol', NULL, 7, 3, 2), ('frank', NULL, 1, 0, 0),
  ('grace', NULL, 13, 1, 1), ('Gargron', 'mastodon.social', 75000, 500, 300000), ('newsbot', 'bots.example', 9000, 0, 150),
  ('spammer', 'spam.example', 300, 2000, 1), ('loud', 'example.net', 5000, 10, 20)
) AS v(username, domain, statuses, following, followers)
JOIN accounts a ON a.username = v.username AND a.domain IS NOT DISTINCT FROM v.domain;

-- Statuses: as many local ones as account_stats says for the local people, and 40 cached from remote accounts.
INSERT INTO statuses (uri, url, text, local, account_id, visibility, language, created_at, updated_at)
SELECT CASE WHEN a.domain IS NULL THEN NULL ELSE 'https://' || a.domain || '/statuses/' || n END,
       CASE WHEN a.domain IS NULL THEN NULL ELSE 'https://' || a.domain || '/@' || a.username || '/' || n END,
       'Status ' || n || ' of ' || a.username, a.domain IS NULL, a.id, 0, 'en',
       now() - (n || ' hours')::interval, now() - (n || ' hours')::interval
FROM accounts a
JOIN account_stats s ON s.account_id = a.id
CROSS JOIN LATERAL generate_series(1, CASE WHEN a.domain IS NULL THEN s.statuses_count ELSE 10 END) AS n
WHERE a.domain IS NULL OR a.username IN ('Gargron', 'newsbot', 'spammer', 'loud');

-- Media: one upload on every fifth local status, and cached remote media on every second remote one (remote_url
-- set, as `tootctl media remove` finds them).
INSERT INTO media_attachments (status_id, account_id, file_file_name, file_content_type, file_file_size, remote_url,
                               type, created_at, updated_at)
SELECT st.id, st.account_id, md5(st.id::text) || '.png', 'image/png', 40000 + (st.id % 1000)::integer,
       CASE WHEN st.local THEN '' ELSE 'https://files.example/' || md5(st.id::text) || '.png' END,
       0, st.created_at, st.created_at
FROM (SELECT s.*, row_number() OVER (ORDER BY s.created_at, s.id) AS position FROM statuses s) st
WHERE (st.local AND st.position % 5 = 0) OR (NOT st.local AND st.position % 2 = 0);

-- Two open reports (action_taken_at NULL) and one resolved.
INSERT INTO reports (account_id, target_account_id, comment, category, action_taken_at, action_taken_by_account_id, created_at, updated_at)
SELECT reporter.id, target.id, v.comment, v.category,
       CASE WHEN v.resolved THEN now() - interval '2 days' END,
       CASE WHEN v.resolved THEN (SELECT id FROM accounts WHERE username = 'alice' AND domain IS NULL) END,
       now() - v.age, now() - v.age
FROM (VALUES
  ('bob', 'spammer', 'spam.example', 'Spam in my mentions', 1, false, interval '1 day'),
  ('carol', 'loud', 'example.net', 'Harassment', 0, false, interval '6 hours'),
  ('bob', 'grace', NULL, 'Old report', 0, true, interval '10 days')
) AS v(reporter, target, target_domain, comment, category, resolved, age)
JOIN accounts reporter ON reporter.username = v.reporter AND reporter.domain IS NULL
JOIN accounts target ON target.username = v.target AND target.domain IS NOT DISTINCT FROM v.target_domain;

-- One pending appeal, one already approved.
INSERT INTO appeals (account_id, account_warning_id, text, approved_at, approved_by_account_id, created_at, updated_at)
SELECT a.id, v.warning, v.text, CASE WHEN v.approved THEN now() - interval '1 day' END,
       CASE WHEN v.approved THEN (SELECT id FROM accounts WHERE username = 'alice' AND domain IS NULL) END,
       now() - interval '2 days', now() - interval '2 days'
FROM (VALUES ('grace', 1, 'I was not spamming', false), ('frank', 2, 'Please reconsider', true)) AS v(username, warning, text, approved)
JOIN accounts a ON a.username = v.username AND a.domain IS NULL;

INSERT INTO schema_migrations (version)
SELECT unnest(string_to_array(:'migrations', ','));

INSERT INTO ar_internal_metadata (key, value, created_at, updated_at) VALUES
  ('environment', 'production', now(), now()),
  ('schema_sha1', md5(:'shape'), now(), now());

COMMIT;
