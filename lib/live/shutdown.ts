import { existingProcessSingleton } from '../process/singleton';
import type { LiveStreams } from './streams';

/** The process slot of the browsers' event streams (lib/live/stream-topics.ts makes it). */
export const LIVE_STREAMS_SLOT = 'live.streams';

/**
 * Ends every open event stream, for the launcher's shutdown. Reads the slot without making it, so the
 * launcher starts nothing of the hub; returns how many streams it ended.
 */
export function endLiveStreams(): number {
  return existingProcessSingleton<LiveStreams>(LIVE_STREAMS_SLOT)?.endAll() ?? 0;
}
