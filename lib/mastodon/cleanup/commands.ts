import type { ExecArgv } from '../../docker/exec-programs';
import { AppError } from '../../errors';
import { text } from '../../i18n/text';
import type { CleanupInput } from '../../validations/cleanup';
import type { MastodonVersion } from '../version';
import { factsFor, MINOR_FACTS, type MediaRemoveOption } from '../version-facts';

export { CLEANUP_COMMANDS } from './labels';

/**
 * The three tootctl cleanup commands as argv, built from validated input only (mastodon/mastodon
 * lib/mastodon/cli/media.rb and preview_cards.rb, read per release in lib/mastodon/version-facts.ts). Pure: running
 * them is run.ts's business. Options are always one token (`--days=7`), never --verbose (one line per item), and
 * the defaults of --concurrency (5 threads) stand.
 */

const TARGET_OPTION = { 'avatars-and-headers': 'prune-profiles', headers: 'remove-headers' } as const;

/** The first release whose `media remove` has this option, from the table. */
function firstReleaseWithOption(option: MediaRemoveOption): string {
  return MINOR_FACTS.mediaRemoveOptions.find((step) => step.value.includes(option))?.from ?? 'a later release';
}

function requireOption(option: MediaRemoveOption, version: MastodonVersion): void {
  if (factsFor(version).mediaRemoveOptions.includes(option)) return;
  throw new AppError(
    'conflict',
    text('media.errors.optionMissing.title'),
    text('media.errors.optionMissing.detail', {
      version: version.text,
      option,
      since: firstReleaseWithOption(option),
    }),
    text('media.errors.optionMissing.fix'),
  );
}

export function buildCleanupArgv(input: CleanupInput, version: MastodonVersion): ExecArgv {
  const dryRun = input.dryRun ? ['--dry-run'] : [];
  switch (input.job) {
    case 'media-remove': {
      const argv: ['tootctl', ...string[]] = ['tootctl', 'media', 'remove', `--days=${input.days}`];
      if (input.remove !== 'attachments') {
        const option = TARGET_OPTION[input.remove];
        requireOption(option, version);
        argv.push(`--${option}`);
        if (input.includeFollows) argv.push('--include-follows');
      }
      return [...argv, ...dryRun];
    }
    case 'preview-cards-remove':
      return ['tootctl', 'preview_cards', 'remove', `--days=${input.days}`, ...dryRun];
    case 'media-remove-orphans':
      return ['tootctl', 'media', 'remove-orphans', ...dryRun];
  }
}
