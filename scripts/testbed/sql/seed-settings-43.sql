-- Site-wide rows (thing_type/thing_id NULL), plus a per-user row as 4.0/4.1 kept them, which readers must skip.
\set ON_ERROR_STOP on
INSERT INTO settings (var, value, thing_type, thing_id, created_at, updated_at) VALUES
  ('site_title', E'--- Mastodash Test\n', NULL, NULL, now(), now()),
  ('registrations_mode', E'--- approved\n', NULL, NULL, now(), now()),
  ('require_invite_text', E'--- false\n', NULL, NULL, now(), now());
INSERT INTO settings (var, value, thing_type, thing_id, created_at, updated_at)
SELECT 'notification_emails', E'---\nfollow: true\nmention: false\n', 'User', u.id, now(), now()
FROM users u JOIN accounts a ON a.id = u.account_id WHERE a.username = 'alice' AND a.domain IS NULL;
