/** Where media are stored: S3 settings, or the local folder and whether web and sidekiq mount it. */
import { MASTODON_MEDIA_PATH } from '../../media-path';
import { envUnread, isSet, type DoctorCheck, type DoctorContext } from '../check';
import { APP_SERVICES, mountsPath, serviceNamed } from '../compose-view';
import type { Finding } from '../types';
import { list } from '../words';

function mediaFindings(ctx: DoctorContext): Finding[] {
  const findings: Finding[] = [];
  const raw = ctx.env.get('S3_ENABLED');
  const s3 = raw === 'true';
  if (raw !== undefined && raw !== 'true' && raw !== 'false' && raw !== '') {
    findings.push({
      id: 's3-enabled-unclear',
      severity: 'warning',
      key: 'S3_ENABLED',
      title: 'S3_ENABLED is neither true nor false',
      why:
        'Mastodon compares it with the exact word true; any other spelling (True, yes, 1) means media stay on ' +
        'local disk.',
      fix: 'Write S3_ENABLED=true or S3_ENABLED=false.',
    });
  }
  if (s3) {
    if (!isSet(ctx.env.get('S3_BUCKET'))) {
      findings.push({
        id: 's3-bucket-missing',
        severity: 'error',
        key: 'S3_BUCKET',
        title: 'S3 is enabled but S3_BUCKET is not set',
        why: 'With S3_ENABLED=true, uploads go to the bucket named by S3_BUCKET; without it they fail.',
        fix: `Set S3_BUCKET (and S3_ENDPOINT or S3_REGION for your provider) in ${ctx.envName}.`,
      });
    }
    const missingCredentials = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'].filter((key) => !isSet(ctx.env.get(key)));
    if (missingCredentials.length > 0) {
      findings.push({
        id: 's3-credentials-missing',
        severity: 'warning',
        key: missingCredentials[0],
        title:
          `S3 is enabled but ${list(missingCredentials)} ${missingCredentials.length === 1 ? 'is' : 'are'} not ` +
          `set`,
        why:
          'Uploads to the bucket need credentials, unless the server gets them from its cloud provider (an ' +
          'instance role).',
        fix: `Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in ${ctx.envName}.`,
      });
    }
    findings.push({
      id: 'media-s3',
      severity: 'info',
      key: 'S3_ENABLED',
      title: 'Media are stored in object storage (S3)',
      why:
        'S3_ENABLED=true: uploads and cached remote media go to the bucket; the public/system folder is not ' +
        'used for them.',
    });
    return findings;
  }
  const rootPath = ctx.env.get('PAPERCLIP_ROOT_PATH');
  const mediaPath = isSet(rootPath) ? rootPath.replace(':rails_root', '/opt/mastodon') : MASTODON_MEDIA_PATH;
  const mounted: string[] = [];
  const unmounted: string[] = [];
  for (const name of APP_SERVICES) {
    const service = serviceNamed(ctx.compose, name);
    if (service) (mountsPath(service, mediaPath) ? mounted : unmounted).push(name);
  }
  const pathWords = isSet(rootPath) ? 'the folder PAPERCLIP_ROOT_PATH names' : 'public/system';
  const mountedWords =
    mounted.length > 0 ? `, which ${list(mounted)} mount${mounted.length === 1 ? 's' : ''} from the host` : '';
  findings.push({
    id: 'media-local',
    severity: 'info',
    key: 'S3_ENABLED',
    title: 'Media are stored on the server’s disk',
    why:
      `S3_ENABLED is ${raw === undefined ? 'not set' : 'not true'}, so uploads and cached remote media are ` +
      `written to ${pathWords}${mountedWords}. ` +
      `Include that folder in backups and watch the disk space it takes.`,
  });
  if (ctx.compose && unmounted.length > 0) {
    findings.push({
      id: 'media-volume-missing',
      severity: 'error',
      service: unmounted[0],
      title: `${list(unmounted)} ${unmounted.length === 1 ? 'does' : 'do'} not mount the media folder`,
      why:
        `Media are on local disk, but ${list(unmounted)} in ${ctx.composeName} ` +
        `${unmounted.length === 1 ? 'has' : 'have'} ` +
        `no volume on ${pathWords}: files are written inside the container and lost when it is recreated, and ` +
        `web and sidekiq do not see each other’s files.`,
      fix:
        'Add "- ./public/system:/mastodon/public/system" under volumes: of web and sidekiq, as the official ' +
        'compose file does.',
    });
  }
  return findings;
}

export const mediaCheck: DoctorCheck = { name: 'media', skip: envUnread, run: mediaFindings };
