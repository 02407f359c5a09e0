/**
 * Whether a Mastodon container stores uploads in object storage: exactly S3_ENABLED=true in its
 * environment, as mastodon/mastodon v4.3.0 config/initializers/paperclip.rb compares it
 * (`ENV['S3_ENABLED'] == 'true'`; "TRUE" leaves uploads on the file system). The container's own
 * environment is the running truth, whatever .env.production says now. Only this one variable is looked
 * at; the rest (secrets) is never read.
 */
export function objectStorageEnabledIn(env: readonly string[] | null | undefined): boolean {
  return (env ?? []).some((entry) => entry === 'S3_ENABLED=true');
}
