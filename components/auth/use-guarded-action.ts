'use client';

import { useCallback, useState } from 'react';

import type { ActionResult } from '@/lib/actions/result';

/**
 * Runs an admin action; when the server asks for a recent login, opens the password prompt and then
 * continues the same action with the same input.
 */
export function useGuardedAction<Input, Data>(action: (input: Input) => Promise<ActionResult<Data>>) {
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<ActionResult<Data>>();
  const [awaitingPassword, setAwaitingPassword] = useState<Input>();

  const run = useCallback(
    async (input: Input) => {
      setPending(true);
      try {
        const answer = await action(input);
        if (!answer.ok && answer.error.code === 'reauth_required') {
          setAwaitingPassword(input);
          return;
        }
        setResult(answer);
      } finally {
        setPending(false);
      }
    },
    [action],
  );

  const onReauthenticated = useCallback(() => {
    const input = awaitingPassword;
    setAwaitingPassword(undefined);
    if (input !== undefined) void run(input);
  }, [awaitingPassword, run]);

  return {
    run,
    pending,
    result,
    awaitingPassword: awaitingPassword !== undefined,
    onReauthenticated,
    cancelReauth: () => setAwaitingPassword(undefined),
  };
}
