/**
 * The media folder broken down by what Mastodon keeps in it, from one `du -k -d 1 <folder>` (GNU coreutils and
 * BusyBox print the same lines: "<KiB>\t<path>", the folders of depth 1 first, the folder itself last). Pure, and
 * free of server-only so that the storage panel's component can use the labels.
 *
 * What the folders hold (mastodon/mastodon v4.3.17 config/initializers/paperclip.rb, the file-system branch:
 * `:prefix_path:class/:attachment/:id_partition/:style/:filename`): `:class` is the model's table name, and
 * `:prefix_path` is `cache/` for a remote record's file whose storage schema version is 1 or more. So remote
 * avatars, headers, attachments and emojis live under `cache/`, local ones beside it; link previews count as
 * remote always (PreviewCard#local? is false), so they are under `cache/` too. Files
 * fetched before Mastodon 3.2 (db/migrate/20200417125749_add_storage_schema_version.rb) keep version 0 and stay
 * among the local ones until `tootctl upgrade storage-schema` moves them: on such an old instance the local
 * lines include some remote media.
 */

/** The folders the breakdown names, in the order it shows them; everything else is "the rest". */
export const MEDIA_PARTS = ['cache', 'media_attachments', 'accounts', 'custom_emojis', 'preview_cards'] as const;
export type MediaPart = (typeof MEDIA_PARTS)[number];

export const MEDIA_PART_LABELS: Record<MediaPart, { label: string; holds: string }> = {
  cache: {
    label: 'cache/',
    holds: 'remote media: other servers’ attachments, avatars, headers and emojis, and every link preview image',
  },
  media_attachments: { label: 'media_attachments/', holds: 'local users’ uploads' },
  accounts: { label: 'accounts/', holds: 'local avatars and headers' },
  custom_emojis: { label: 'custom_emojis/', holds: 'this server’s custom emojis' },
  // PreviewCard#local? is always false (v4.3.17 app/models/preview_card.rb), so newer previews are all under cache/.
  preview_cards: { label: 'preview_cards/', holds: 'link preview images stored before Mastodon 3.2' },
};

export interface MediaBreakdown {
  /** Each named folder's size; a folder that does not exist has 0 bytes and `present: false`. */
  parts: { name: MediaPart; bytes: number; present: boolean }[];
  /** The total minus the named folders: other folders (site_uploads, backups, imports, …) and loose files. */
  rest: { bytes: number; folders: { name: string; bytes: number }[] };
}

export interface DuLines {
  /** The folder's own line, in bytes; undefined when du printed none. */
  totalBytes?: number;
  /** Depth-1 entries by name, in bytes. */
  children: Map<string, number>;
}

/**
 * Reads du's lines for `root`. A line for another path (a name with a newline in it, which du prints as is) is
 * skipped: its bytes then count in "the rest", since the total is du's own.
 */
export function readDuLines(stdout: string, root: string): DuLines {
  const base = root.replace(/\/+$/, '');
  const children = new Map<string, number>();
  let totalBytes: number | undefined;
  for (const line of stdout.split('\n')) {
    const match = /^(\d+)\s+(.+)$/.exec(line.trim());
    if (!match) continue;
    const bytes = Number(match[1]) * 1024;
    const where = match[2]!.replace(/\/+$/, '');
    if (where === base) totalBytes = bytes;
    else if (where.startsWith(`${base}/`)) {
      const name = where.slice(base.length + 1);
      if (name !== '' && !name.includes('/')) children.set(name, bytes);
    }
  }
  return { ...(totalBytes === undefined ? {} : { totalBytes }), children };
}

/** The breakdown of `totalBytes`: the named folders, then the rest with its largest other folders (up to five). */
export function mediaBreakdown(totalBytes: number, children: ReadonlyMap<string, number>): MediaBreakdown {
  const named = new Set<string>(MEDIA_PARTS);
  const parts = MEDIA_PARTS.map((name) => ({
    name,
    bytes: children.get(name) ?? 0,
    present: children.has(name),
  }));
  const namedBytes = parts.reduce((sum, part) => sum + part.bytes, 0);
  const folders = [...children]
    .filter(([name]) => !named.has(name))
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name))
    .slice(0, 5);
  return { parts, rest: { bytes: Math.max(0, totalBytes - namedBytes), folders } };
}

/** A part's share of the total, in percent (0 for an empty folder). */
export function shareOfMedia(bytes: number, totalBytes: number): number {
  return totalBytes > 0 ? (bytes / totalBytes) * 100 : 0;
}
