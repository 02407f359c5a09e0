import type { MediaDiagnosis, MediaFixResult, MediaStatus } from '@/lib/mastodon/media-verdict';
import type { Tone } from '@/components/containers/format';

/** The badge of each status; its word is `media.status.<status>`. */
export const STATUS_TONES: Record<MediaStatus, Tone> = {
  ok: 'good',
  warning: 'warn',
  broken: 'bad',
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isDiagnosis(value: unknown): value is MediaDiagnosis {
  return (
    isObject(value) && isObject(value.evidence) && isObject(value.verdict) && typeof value.verdict.status === 'string'
  );
}

/** A job's stored result, read back as the fix's result (it is JSON from the store, so it is checked). */
export function asFixResult(value: unknown): MediaFixResult | undefined {
  if (!isObject(value) || !isDiagnosis(value.after)) return undefined;
  if (
    typeof value.filesChanged !== 'number' ||
    typeof value.owner !== 'string' ||
    typeof value.ownerBefore !== 'string'
  )
    return undefined;
  return value as MediaFixResult;
}
