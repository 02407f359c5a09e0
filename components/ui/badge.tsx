import type { ReactNode } from 'react';

import type { Tone } from '@/components/containers/format';

const TONE_MARK: Record<Tone, string> = { good: '●', warn: '◐', bad: '■', neutral: '○' };

/** A status word with a shape and a colour, so that state never rests on colour alone. */
export function Badge({ tone, children, testId }: { tone: Tone; children: ReactNode; testId?: string }) {
  return (
    <span className={`badge badge-${tone}`} data-tone={tone} data-testid={testId}>
      <span aria-hidden="true" className="badge-mark">
        {TONE_MARK[tone]}
      </span>
      {children}
    </span>
  );
}
