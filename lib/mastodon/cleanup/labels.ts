import type { CleanupJobName } from '../../validations/cleanup';

/** The cleanup jobs' words, for the page and the jobs alike (no server-only import: the page's bundle uses it). */

/** The job kind (jobs.kind) of every cleanup job: its audit action, as runAdminJob names jobs. */
export const CLEANUP_JOB_KIND = 'media.cleaned_up';

export interface CleanupCommand {
  /** What the page calls it. */
  title: string;
  /** The command without options, as the admin would type it. */
  command: string;
  /** What its summary counts. */
  counts: string;
}

export const CLEANUP_COMMANDS: Record<CleanupJobName, CleanupCommand> = {
  'media-remove': {
    title: 'Cached media from other servers',
    command: 'tootctl media remove',
    counts: 'media attachments',
  },
  'preview-cards-remove': {
    title: 'Link preview images',
    command: 'tootctl preview_cards remove',
    counts: 'preview cards',
  },
  'media-remove-orphans': {
    title: 'Files no post or account uses (orphans)',
    command: 'tootctl media remove-orphans',
    counts: 'orphans',
  },
};
