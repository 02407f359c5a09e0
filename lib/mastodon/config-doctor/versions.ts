/** Which Mastodon version the doctor checks against: the running one, else the one the compose file names. */
import { splitImageReference } from '../../docker/container-view';
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
  from?: string;
  note?: string;
  sidekiqVersion?: MastodonVersion;
}

/**
 * The version to check against: the running one (lib/mastodon/running-version.ts), else the one the compose
 * file's web (else sidekiq) image tag names, for a server whose containers do not exist yet.
 */
export function chooseVersion(
  running: RunningVersion | undefined,
  compose: ComposeFile | undefined,
  composeFileName = 'the compose file',
  sidekiq?: RunningVersion,
): ChosenVersion {
  const sidekiqVersion = sidekiq?.version;
  if (running?.version) {
    return { version: running.version, from: running.source, ...(sidekiqVersion ? { sidekiqVersion } : {}) };
  }
  const notes: string[] = running ? [running.problem] : [];
  for (const service of ['web', 'sidekiq']) {
    const version = composeImageVersion(compose, service);
    if (version)
      return {
        version,
        from: `the image of ${service} in ${composeFileName}`,
        note: notes.join('; '),
        ...(sidekiqVersion ? { sidekiqVersion } : {}),
      };
  }
  if (compose) notes.push(`the web image in ${composeFileName} has no version tag`);
  return { note: notes.join('; ') };
}
