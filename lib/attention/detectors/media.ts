import { formatOwner, type MediaDiagnosis } from '../../mastodon/media-verdict';
import { text } from '../../i18n/text';
import type { AttentionFinding } from '../types';
import { joinTexts } from '../words';

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
    ? text('attention.media.seenLog', { count: log.count, container: evidence.container, at: log.at })
    : text(evidence.writable ? 'attention.media.seenWritable' : 'attention.media.seenNotWritable', {
        path: evidence.path,
        container: evidence.container,
        owner: `${evidence.found.uid}:${evidence.found.gid}`,
        mode: evidence.found.mode,
        expected: formatOwner(evidence.expected),
      });
  return [
    {
      key: `media.${verdict.status}`,
      detector: MEDIA_DETECTOR,
      severity: verdict.status === 'broken' ? 'critical' : 'warning',
      title: evidence.writable ? verdict.title : text('attention.media.uploadsFail', { title: verdict.title }),
      evidence: text('attention.sentence', { text: seen }),
      detail: joinTexts([...verdict.problems, ...verdict.notes], 'space') ?? '',
      ...(verdict.fixHelps
        ? {
            fix: {
              kind: 'media-ownership' as const,
              container: evidence.container,
              path: evidence.path,
              owner: formatOwner(evidence.expected),
            },
          }
        : { fix: { kind: 'link' as const, href: '/media', label: text('attention.links.media') } }),
    },
  ];
}
