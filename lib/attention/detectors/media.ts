import { formatOwner, type MediaDiagnosis } from '../../mastodon/media-verdict';
import type { AttentionFinding } from '../types';

/** The registry's id of the media detector. */
export const MEDIA_DETECTOR = 'media';

/**
 * The media folder's verdict (lib/mastodon/media-verdict.ts) as findings. The Media page shows the same
 * findings above its diagnosis, so the home page and the Media page cannot disagree.
 */
export function mediaFindings(diagnosis: MediaDiagnosis): AttentionFinding[] {
  const { evidence, verdict } = diagnosis;
  if (verdict.status === 'ok') return [];
  const log = verdict.logRelation === 'current' || verdict.logRelation === 'after_fix' ? evidence.log : undefined;
  const seen = log
    ? `${log.count} Errno::EACCES line${log.count === 1 ? '' : 's'} in ${evidence.container}'s log, ` +
      `the newest at ${log.at}`
    : `${evidence.path} in ${evidence.container}: owner ${evidence.found.uid}:${evidence.found.gid}, mode ` +
      `${evidence.found.mode}, ${evidence.writable ? 'writable' : 'not writable'} by ${formatOwner(evidence.expected)}`;
  return [
    {
      key: `media.${verdict.status}`,
      detector: MEDIA_DETECTOR,
      severity: verdict.status === 'broken' ? 'critical' : 'warning',
      title: evidence.writable ? verdict.title : `Uploads fail: ${verdict.title}`,
      evidence: `${seen}.`,
      detail: [...verdict.problems, ...verdict.notes].join(' '),
      ...(verdict.fixHelps
        ? {
            fix: {
              kind: 'media-ownership' as const,
              container: evidence.container,
              path: evidence.path,
              owner: formatOwner(evidence.expected),
            },
          }
        : { fix: { kind: 'link' as const, href: '/media', label: 'Media folder check' } }),
    },
  ];
}
