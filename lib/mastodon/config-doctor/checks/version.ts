/** Which version the checks ran against, and whether the compose file names another one. */
import type { DoctorCheck, DoctorContext } from '../check';
import type { Finding } from '../types';

function versionFindings(ctx: DoctorContext): Finding[] {
  const { version, versionFrom, versionNote } = ctx.input;
  if (!version) {
    return [
      {
        id: 'version-unknown',
        severity: 'warning',
        title: 'The Mastodon version is unknown',
        why:
          `${versionNote ? `${versionNote[0]?.toUpperCase()}${versionNote.slice(1)}. ` : ''}Keys whose rules ` +
          `differ between versions are reported as warnings instead of errors.`,
        fix: 'Pin the image as ghcr.io/mastodon/mastodon:vX.Y.Z in the compose file, as the official file does.',
      },
    ];
  }
  const findings: Finding[] = [
    {
      id: 'version-known',
      severity: 'info',
      title: `Checked against Mastodon ${version.text}`,
      why: `The version comes from ${versionFrom ?? 'the image tag'}${versionNote ? ` (${versionNote})` : ''}.`,
    },
  ];
  const upcoming = ctx.upcoming;
  if (upcoming && upcoming.text !== version.text) {
    findings.push({
      id: 'version-differs',
      severity: 'info',
      title: `${ctx.composeName} names ${upcoming.text}, the running containers are ${version.text}`,
      why: 'The compose file was changed after the containers were created. Version rules are checked for both.',
      fix: 'When the upgrade is intended, follow its release notes (migrations) and run docker compose up -d.',
    });
  }
  return findings;
}

export const versionCheck: DoctorCheck = { name: 'version', run: versionFindings };
