'use client';

import { useEffect, useRef, useState } from 'react';

import type { LiveTopicKey } from '@/lib/live/topic-keys';
import { tabLive } from './live-client';
import type { LiveConnectionState } from './stream-connection';

export type { LiveConnectionState } from './stream-connection';

/**
 * Listens to one topic of the browser's event stream while the component is mounted (and the tab is
 * visible); no topic (undefined) listens to nothing. Every (re)join starts with the topic's snapshot.
 * Returns the stream's state, so the UI can say when it is down; reconnecting is automatic.
 */
export function useLiveTopic<Message>(
  topic: LiveTopicKey | undefined,
  onMessage: (message: Message) => void,
): LiveConnectionState {
  const handler = useRef(onMessage);
  const [state, setState] = useState<LiveConnectionState>('connecting');
  useEffect(() => {
    handler.current = onMessage;
  });
  useEffect(() => {
    if (topic === undefined) return undefined;
    const live = tabLive();
    const offState = live.onState(setState);
    const leave = live.subscribe(topic, (message) => handler.current(message as Message));
    return () => {
      leave();
      offState();
    };
  }, [topic]);
  return state;
}
