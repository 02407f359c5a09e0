/** Where media are stored: S3 settings, or the local folder and whether web and sidekiq mount it. */
import { text } from '@/lib/i18n/text';

import { MASTODON_MEDIA_PATH } from '../../media-path';
import { envUnread, isSet, type DoctorCheck, type DoctorContext } from '../check';
import { APP_SERVICES, mountsPath, serviceNamed } from '../compose-view';
import type { Finding } from '../types';
import { andList } from '../words';

function mediaFindings(ctx: DoctorContext): Finding[] {
  const findings: Finding[] = [];
  const raw = ctx.env.get('S3_ENABLED');
  const s3 = raw === 'true';
  if (raw !== undefined && raw !== 'true' && raw !== 'false' && raw !== '') {
    findings.push({
      id: 's3-enabled-unclear',
      severity: 'warning',
      key: 'S3_ENABLED',
      title: text('doctor.media.unclear.title'),
      why: text('doctor.media.unclear.why'),
      fix: text('doctor.media.unclear.fix'),
    });
  }
  if (s3) {
    if (!isSet(ctx.env.get('S3_BUCKET'))) {
      findings.push({
        id: 's3-bucket-missing',
        severity: 'error',
        key: 'S3_BUCKET',
        title: text('doctor.media.bucketMissing.title'),
        why: text('doctor.media.bucketMissing.why'),
        fix: text('doctor.media.bucketMissing.fix', { envFile: ctx.envName }),
      });
    }
    const missingCredentials = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'].filter((key) => !isSet(ctx.env.get(key)));
    if (missingCredentials.length > 0) {
      findings.push({
        id: 's3-credentials-missing',
        severity: 'warning',
        key: missingCredentials[0],
        title: text('doctor.media.credentialsMissing.title', {
          keys: andList(missingCredentials),
          count: missingCredentials.length,
        }),
        why: text('doctor.media.credentialsMissing.why'),
        fix: text('doctor.media.credentialsMissing.fix', { envFile: ctx.envName }),
      });
    }
    findings.push({
      id: 'media-s3',
      severity: 'info',
      key: 'S3_ENABLED',
      title: text('doctor.media.s3.title'),
      why: text('doctor.media.s3.why'),
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
  const pathWords = isSet(rootPath) ? text('doctor.media.local.rootPath') : 'public/system';
  const mountedWords =
    mounted.length > 0 ? text('doctor.media.local.mounted', { services: andList(mounted), count: mounted.length }) : '';
  findings.push({
    id: 'media-local',
    severity: 'info',
    key: 'S3_ENABLED',
    title: text('doctor.media.local.title'),
    why: text('doctor.media.local.why', {
      unset: raw === undefined ? 'yes' : 'no',
      path: pathWords,
      mounted: mountedWords,
    }),
  });
  if (ctx.compose && unmounted.length > 0) {
    findings.push({
      id: 'media-volume-missing',
      severity: 'error',
      service: unmounted[0],
      title: text('doctor.media.volumeMissing.title', { services: andList(unmounted), count: unmounted.length }),
      why: text('doctor.media.volumeMissing.why', {
        services: andList(unmounted),
        count: unmounted.length,
        composeFile: ctx.composeName,
        path: pathWords,
      }),
      fix: text('doctor.media.volumeMissing.fix'),
    });
  }
  return findings;
}

export const mediaCheck: DoctorCheck = { name: 'media', skip: envUnread, run: mediaFindings };
