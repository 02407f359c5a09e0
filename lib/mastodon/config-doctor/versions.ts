/** Which Mastodon version the doctor checks against: the running one, else the one the compose file names. */
import { splitImageReference } from '../../docker/container-view';
import { text, type Text } from '../../i18n/text';
import type { ComposeFile } from '../compose-file';
import type { RunningVersion } from '../running-version';
import { parseMastodonVersion, type MastodonVersion } from '../version';

/** The Mastodon version named by a compose service's image tag, if it names one. */
export function composeImageVersion(
  compose: ComposeFile | undefined,
  serviceName: string,
): MastodonVersion | undefined {
  const image = compose?.services.find((service) => service.name === serviceName)?.image;
  return image === undefined ? undefined : parseMastodonVersion(splitImageReference(image).tag);
}

export interface ChosenVersion {
  version?: MastodonVersion;
  /** Where the version was read, in the reader's language. */
  from?: Text;
  note?: Text;
  sidekiqVersion?: MastodonVersion;
}

/**
 * The version to check against: the running one (lib/mastodon/running-version.ts), else the one the compose
 * file's web (else sidekiq) image tag names, for a server whose containers do not exist yet.
 */
export function chooseVersion(
  running: RunningVersion | undefined,
  compose: ComposeFile | undefined,
  composeFileName: string | Text = text('doctor.version.composeFile'),
  sidekiq?: RunningVersion,
): ChosenVersion {
  const sidekiqVersion = sidekiq?.version;
  if (running?.version) {
    return { version: running.version, from: running.from, ...(sidekiqVersion ? { sidekiqVersion } : {}) };
  }
  const notes: Text[] = running ? [running.problem] : [];
  for (const service of ['web', 'sidekiq']) {
    const version = composeImageVersion(compose, service);
    if (version)
      return {
        version,
        from: text('doctor.version.composeImage', { service, composeFile: composeFileName }),
        ...noteOf(notes),
        ...(sidekiqVersion ? { sidekiqVersion } : {}),
      };
  }
  if (compose) notes.push(text('doctor.version.noTag', { composeFile: composeFileName }));
  return noteOf(notes);
}

/** The notes one after another ("a; b"), or none. */
function noteOf(notes: readonly Text[]): { note?: Text } {
  const note = notes.reduce<Text | undefined>(
    (first, next) => (first ? text('doctor.version.joined', { first, next }) : next),
    undefined,
  );
  return note ? { note } : {};
}
