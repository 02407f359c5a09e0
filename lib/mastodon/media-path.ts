/**
 * Where uploaded media lives in Mastodon's official image. `/opt/mastodon` is the real application
 * directory in every 4.x image, and `/mastodon` is a symlink to it (Dockerfile: `ln -s /opt/mastodon
 * /mastodon`). The compose file mounts `./public/system` at `/mastodon/public/system` (docker-compose.yml
 * of every 4.x release), which resolves to the same folder; the dashboard reads and fixes the real path.
 */
export const MASTODON_MEDIA_PATH = '/opt/mastodon/public/system';

/** Both names of the media folder inside the image: the compose mount target and the real directory. */
export const MASTODON_MEDIA_PATHS = ['/mastodon/public/system', MASTODON_MEDIA_PATH] as const;
export type MastodonMediaPath = (typeof MASTODON_MEDIA_PATHS)[number];
