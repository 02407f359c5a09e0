-- No registrations_mode row: the settings.yml default of the running version applies (open <=4.2, none 4.3+).
\set ON_ERROR_STOP on
INSERT INTO settings (var, value, created_at, updated_at) VALUES
  ('site_title', E'--- Mastodash Test\n', now(), now());
